from services.verification.main import run

run()
