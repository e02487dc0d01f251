"""The sync engine: a run of one company under its lease, and the jobs it runs in order."""
