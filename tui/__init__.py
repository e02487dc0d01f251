"""The terminal UI: a Textual front end that renders the runtime's events and sends it commands.

It never does I/O itself: everything goes through `agent.runtime.api.RuntimeApi`.
"""
