from callvault.cli.main import app

app()
