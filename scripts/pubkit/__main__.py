import sys

from pubkit.cli import main

sys.exit(main())
