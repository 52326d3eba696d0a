from services.signing.main import run

run()
