"""Pure logic, no I/O and no asyncio: decisions that can be tested by table."""
