"""``python -m pubkit``: the same as the ``pubkit`` command."""

from pubkit.cli import run

run()
