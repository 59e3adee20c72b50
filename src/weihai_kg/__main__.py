import sys

from weihai_kg.cli import main

sys.exit(main())
