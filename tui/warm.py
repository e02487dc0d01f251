"""Keeping key presses quick: screens built before the operator asks for them, and a garbage
collector that leaves alone what lives as long as the app.

Two costs made a key press wait (found with cProfile and gc callbacks under bench/bench_tui_keys.py):

- Composing a screen on its first opening: 100-200 ms for a management screen on a small machine.
  `compose_offstage` mounts installed screens while nobody is looking, one per event-loop turn, so the
  first key press only lays one out.
- CPython's full collection walks every tracked object. After start the app holds some 75,000
  that live as long as it does (modules, classes, the stylesheet, the kept screens' widgets); a
  full pass took 60-180 ms and came every second or two while twenty companies synced, so about
  one key press in twenty waited for one. `freeze` moves what exists once the screens are built to
  the collector's permanent generation (`gc.freeze`): later passes walk only what was made since.
  What is made since is mostly Textual's drawings (strips of lines, each with caches of its own,
  many in reference cycles), kept a frame or a few and dropped: CPython's young generation is
  collected every 700 new objects, a few milliseconds apart while the dashboard draws, so they
  outlived two young passes, reached the old generation as garbage and made full passes frequent
  (every second or two) and long (50-200 ms on a busy machine). `freeze` also has the youngest
  generation collected every `YOUNG` new objects instead, and the middle one every `MIDDLE` of
  those passes (CPython: 10), so a drawing dies young and the passes stay short: no full pass
  happened during a benchmark run any more; a middle pass took about 10 ms, a youngest one 0.1 ms.
  `thaw` undoes both when the app stops (a test process runs many apps one after another).
"""

from __future__ import annotations

import asyncio
import gc
from typing import Any

from textual.app import App
from textual.screen import Screen


async def compose_offstage(app: App[None], screen: Screen[Any]) -> None:
    """Compose an installed screen without showing it (nothing when it is composed already).

    Textual composes an installed screen when it is first pushed, so it is pushed and popped again
    inside `batch_update` (no frame goes to the terminal meanwhile); the app holds the keys pressed
    meanwhile (see `holding_keys`) so none lands on the screen nobody sees.
    """
    if screen.is_running:
        return
    with app.batch_update():
        await app.push_screen(screen)
        await app.pop_screen()
    await asyncio.sleep(0)  # one screen per turn: a key pressed meanwhile waits for one at most


YOUNG = 10_000
MIDDLE = 5


def freeze() -> tuple[int, ...]:
    """Leave every object alive now out of later collections and let young objects die young (see
    the module's docstring); the collector's thresholds before, for `thaw`."""
    before = gc.get_threshold()
    gc.collect()
    gc.freeze()
    gc.set_threshold(YOUNG, MIDDLE, before[2])
    return before


def thaw(threshold: tuple[int, ...]) -> None:
    """Give the frozen objects back to the collector, and its thresholds."""
    gc.unfreeze()
    gc.set_threshold(*threshold)
