"""``python -m docbatch.cli`` is the ``docbatch`` command."""

from . import console_main

console_main()
