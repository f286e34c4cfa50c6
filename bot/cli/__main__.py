"""`python -m bot.cli`: the same as the `filrouge` command."""

from bot.cli import main

raise SystemExit(main())
