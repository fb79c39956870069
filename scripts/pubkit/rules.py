"""Kept for extension modules written against pubkit 0.4: ``show`` now lives in ``pubkit.extensions``.

Reads and writes nothing. New modules import ``from pubkit.extensions import show``.
"""

from pubkit.extensions import show

__all__ = ["show"]
