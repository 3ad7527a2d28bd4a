"""`python -m stack run|shell`: make run and make shell."""

import sys

from stack.launcher import main

sys.exit(main())
