"""Scale: the extract stage over many documents, in worker processes or on a Dask cluster.

Both engines have the same small interface (:class:`Engine`), so the pipeline does not know which
one runs: it hands over windows of documents and writes what comes back, in order, as the single
writer to the store. A window is submitted before the previous one is written, so the workers
parse the next window while the writer reads, links and stores (``submit``); an engine that
runs in the caller's process extracts when the result is asked for.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from types import TracebackType
from typing import Literal, Protocol, Self

from newsledger.model import Document, Extraction

EngineName = Literal["local", "dask"]
#: Extractions on their way: called, it waits for them and returns them in the order submitted.
Pending = Callable[[], list[Extraction]]


class Engine(Protocol):
    @property
    def window(self) -> int:
        """How many documents to hand over at once."""
        ...

    def map(self, documents: Sequence[Document]) -> list[Extraction]: ...

    def submit(self, documents: Sequence[Document]) -> Pending: ...

    def close(self) -> None: ...


class ClosingEngine:
    """``with`` support for engines: closed on the way out, aborted first on an error.

    A subclass defines ``submit`` (its work starts at once, as on a pool or a cluster) or
    ``map`` (work done in the caller when asked for); each default is written in terms of the
    other.
    """

    def map(self, documents: Sequence[Document]) -> list[Extraction]:
        """The extraction of each document, in the order given."""
        return self.submit(documents)()

    def submit(self, documents: Sequence[Document]) -> Pending:
        """Start extracting; by default nothing starts before the result is asked for."""
        window = list(documents)
        return lambda: self.map(window)

    def close(self) -> None:
        raise NotImplementedError

    def abort(self) -> None:
        """Stop work in flight without waiting for it (an error is on its way up)."""

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        if error is not None:
            self.abort()
        self.close()


def make_engine(
    name: EngineName = "local",
    workers: int | None = None,
    scheduler: str | None = None,
    batch_size: int = 8,
) -> Engine:
    """The engine a command line asked for."""
    if name == "dask":
        from newsledger.scale.dask import DaskEngine

        return DaskEngine(scheduler, workers, batch_size)
    from newsledger.scale.local import LocalEngine

    return LocalEngine(workers, batch_size)
