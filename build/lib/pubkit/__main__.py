"""``python -m pubkit``: the same as the ``pubkit`` command."""

import sys

from pubkit.cli import main

sys.exit(main())
