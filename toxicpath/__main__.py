from toxicpath.ui.cli.main import app

app()
