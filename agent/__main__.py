"""`python -m agent` is the `marketsync` command."""

from agent.cli import main

raise SystemExit(main())
