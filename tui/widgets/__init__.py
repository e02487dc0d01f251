"""The TUI's widgets: the dashboard table and the live log pane."""
