"""``python -m docbatch`` is the ``docbatch`` command."""

from .cli import main

main()
