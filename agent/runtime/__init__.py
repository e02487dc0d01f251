"""The runtime: schedules, the run queue, the event bus and the service loop."""
