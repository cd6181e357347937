"""``python -m docbatch`` is the ``docbatch`` command."""

from .cli import console_main

console_main()
