from services.distribution.main import run

run()
