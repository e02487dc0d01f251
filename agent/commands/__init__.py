"""The subcommands of `marketsync`, one module each.

Each module exports `HELP: str`, `configure(parser)` to declare its arguments, and
`run(args) -> int` returning the exit code. Modules import heavy dependencies inside `run` so
that `marketsync --help` stays fast. A subcommand without a module is "not built yet" (exit 2).
"""
