"""A wall-clock budget per document, so one pathological input cannot stall a whole batch.

Size limits bound most of the cost of reading, but not all of it: a page can be small and still
send a parser or a regular expression into a long search. :func:`within` runs one document's
reading under ``Limits.document_seconds`` of wall time; past it the document becomes a Failure
("over the time budget") and the batch goes on with the next one.

How it works, and why this way: a ``SIGALRM`` timer (``setitimer``) interrupts the Python code
over budget, which needs no thread and no process per document. The alarm raises
:class:`OverBudget`, a ``BaseException`` like ``KeyboardInterrupt``, so the broad ``except
Exception`` blocks of parsing libraries (trafilatura has many) cannot swallow it; and the timer
repeats until the block is left, so a library that catches everything is interrupted again.
Budgets nest (a container's record inside a file): each block is stopped at its own deadline
and the outer one's timer is restored on the way out, as is any timer set before the first one.

Limits, stated plainly: signals are only delivered between Python bytecodes, so one long call
into C (a single regular-expression search) runs to its end before the alarm is seen; that is
why the ingest regexes are written to run in linear time. Signals exist only on POSIX and only
in the main thread: elsewhere (Windows, a web server's worker thread) the block runs unbudgeted,
as it does where C code installed the SIGALRM handler (libFuzzer does), which Python could not
put back afterwards.
"""

from __future__ import annotations

import signal
import threading
import time
from collections.abc import Callable
from types import FrameType
from typing import TypeVar

from newsledger.errors import Errors, InputError

T = TypeVar("T")

#: Once a budget has run out, the alarm fires again this often until the block is left: a
#: library that swallowed the first interruption is interrupted again.
_REPEAT = 0.05


class OverBudget(BaseException):
    """Raised inside a block that ran past its deadline; :func:`within` turns it into E022."""

    def __init__(self, deadline: float) -> None:
        super().__init__("over the time budget")
        self.deadline = deadline


#: The deadlines (``time.monotonic``) of the budgets now open, outermost first.
_deadlines: list[float] = []
#: What was installed before the outermost budget: its SIGALRM handler, the absolute time its
#: own timer was due (``None`` when none was set) and that timer's interval, put back afterwards.
_saved: list[tuple[object, float | None, float]] = []


def available() -> bool:
    """Whether budgets are enforced here: POSIX interval timers, the main thread, and no SIGALRM
    handler installed from outside Python (libFuzzer has one), which could not be put back."""
    return (
        hasattr(signal, "setitimer")
        and threading.current_thread() is threading.main_thread()
        and signal.getsignal(signal.SIGALRM) is not None
    )


def within(seconds: float | None, work: Callable[[], T], record: int | None = None) -> T:
    """``work()``, stopped with ``InputError(E022)`` when it takes longer than ``seconds``.

    ``None`` or a value not above zero means no budget, as does a place where signals cannot be
    used (see :func:`available`). ``record`` is the container record the error names.
    """
    if seconds is None or seconds <= 0 or not available():
        return work()
    now = time.monotonic()
    deadline = now + seconds
    depth = len(_deadlines)
    if depth == 0:
        _save_previous(now)
    _deadlines.append(deadline)
    _arm(now)
    try:
        try:
            result = work()
        finally:
            _leave(depth)
    except OverBudget as exc:
        # Leaving again is a no-op, unless the alarm came in the middle of the first time.
        _leave(depth)
        if exc.deadline < deadline:
            raise  # an enclosing budget ran out first: it is the one to report
        raise InputError(Errors.E022, record=record, limit=f"{seconds:g}") from None
    return result


def _leave(depth: int) -> None:
    """Close the budgets from ``depth`` on: the outer one's timer, or what was there before.

    The stack is cut first, so from then on the handler raises for this block no more; every
    step can be repeated, so an alarm that interrupts it halfway does no harm.
    """
    del _deadlines[depth:]
    if depth == 0:
        if _saved:
            _restore_previous()
    else:
        _arm(time.monotonic())


def _arm(now: float) -> None:
    """Set the timer for the nearest deadline (or the earlier timer set before the budgets)."""
    due = min(_deadlines)
    previous = _saved[-1][1] if _saved else None
    if previous is not None:
        due = min(due, previous)
    signal.setitimer(signal.ITIMER_REAL, max(due - now, 1e-6), _REPEAT)


def _on_alarm(signum: int, frame: FrameType | None) -> None:
    """Raise in the code that is running when a budget now open has run out."""
    now = time.monotonic()
    expired = [deadline for deadline in _deadlines if deadline <= now]
    if expired:
        raise OverBudget(min(expired))
    if _saved:
        handler, due, interval = _saved[-1]
        if due is not None and due <= now and callable(handler):
            # The timer someone set before the budgets is due: run its handler, once.
            _saved[-1] = (handler, now + interval if interval else None, interval)
            handler(signum, frame)


def _save_previous(now: float) -> None:
    handler = signal.signal(signal.SIGALRM, _on_alarm)
    delay, interval = signal.setitimer(signal.ITIMER_REAL, 0)
    _saved.append((handler, now + delay if delay > 0 else None, interval))


def _restore_previous() -> None:
    signal.setitimer(signal.ITIMER_REAL, 0)
    handler, due, interval = _saved.pop()
    signal.signal(signal.SIGALRM, handler)  # type: ignore[arg-type]
    if due is not None:
        signal.setitimer(signal.ITIMER_REAL, max(due - time.monotonic(), 1e-6), interval)
