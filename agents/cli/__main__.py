"""``python -m agents.cli`` is the ``wirewatch`` command."""

from agents.cli import main

main()
