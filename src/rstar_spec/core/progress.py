"""Progress on stderr for a command that runs long, when stderr is a terminal.

A person at a terminal waiting on a 20,000-operation spec sees what is being done and for how long;
a pipe, a file or CI sees nothing (their output stays what it was). The line appears only after
`DELAY` seconds, is rewritten in place (`\\r`), and is wiped before the command's own output to
stderr (the first write to stdout or stderr ends it). Steps are named where the work is (`step("validating examples")`); a step outside a
`showing_progress` block costs one attribute write.
"""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TextIO

DELAY = 2.0
_TICK = 0.5


class _Progress:
    def __init__(self) -> None:
        self.step = ""
        self.lock = threading.Lock()
        self.done: threading.Event | None = None
        self.out: TextIO | None = None
        self.shown = False

    def finish(self) -> None:
        with self.lock:
            if self.done is not None:
                self.done.set()
            if self.shown and self.out is not None:
                self.out.write("\r\x1b[K")  # wiped: the command's own lines follow as they always did
                self.out.flush()
            self.shown = False


_current = _Progress()


def step(name: str) -> None:
    """Name what the command does now (shown only in a `showing_progress` block on a terminal)."""
    _current.step = name


def finish() -> None:
    """Stop showing progress (and wipe the line) before the command writes its results."""
    _current.finish()


class _FinishOnWrite:
    """A stream that stops the progress line before the command's first own line on it."""

    def __init__(self, inner: TextIO) -> None:
        self._inner = inner

    def write(self, text: str) -> int:
        if _current.done is not None and not _current.done.is_set():
            _current.finish()
        return self._inner.write(text)

    def __getattr__(self, name: str) -> object:
        return getattr(self._inner, name)


@contextmanager
def showing_progress(command: str, stream: TextIO | None = None) -> Iterator[None]:
    out = stream if stream is not None else sys.stderr
    try:
        on_terminal = out.isatty()
    except (AttributeError, ValueError):  # closed, or no stream at all
        on_terminal = False
    if not on_terminal:
        yield
        return
    done = threading.Event()
    start = time.monotonic()
    with _current.lock:
        _current.step, _current.done, _current.out, _current.shown = "", done, out, False

    def show() -> None:
        if done.wait(DELAY):
            return
        while True:
            with _current.lock:
                if done.is_set():
                    return
                what = f": {_current.step}" if _current.step else ""
                out.write(f"\r\x1b[Krstar-spec {command}{what} ({time.monotonic() - start:.0f} s)")
                out.flush()
                _current.shown = True
            if done.wait(_TICK):
                return

    thread = threading.Thread(target=show, name="rstar-progress", daemon=True)
    saved = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = _FinishOnWrite(sys.stdout), _FinishOnWrite(sys.stderr)
    thread.start()
    try:
        yield
    finally:
        sys.stdout, sys.stderr = saved
        _current.finish()
        thread.join()
        with _current.lock:
            _current.step, _current.done, _current.out = "", None, None
