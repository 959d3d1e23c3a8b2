"""``python -m mdwx`` runs the command line, for hooks and CI without the console script."""

from mdwx.cli.main import main

main()
