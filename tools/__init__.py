"""Developer commands: run the whole system locally and drive a demo through it."""
