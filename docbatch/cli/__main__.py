"""``python -m docbatch.cli`` is the ``docbatch`` command."""

from . import main

main()
