"""The TUI's screens: the manual sync window, the lease confirmation, quitting, schedules."""
