from catalogue.cli import cli

cli(prog_name="segur")
