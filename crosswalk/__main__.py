"""`python -m crosswalk`: the same command as the `crosswalk` console script."""

from crosswalk.cli import main

raise SystemExit(main())
