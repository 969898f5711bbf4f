"""``python -m streams.cli`` is the ``wirewatch`` command."""

from streams.cli import main

main()
