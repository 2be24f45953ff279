"""Scale: the extract stage over many documents, in worker processes or on a Dask cluster.

Both engines have the same small interface (:class:`Engine`), so the pipeline does not know which
one runs: it hands over windows of documents and writes what comes back, in order, as the single
writer to the store.
"""

from __future__ import annotations

from collections.abc import Sequence
from types import TracebackType
from typing import Literal, Protocol, Self

from newsledger.model import Document, Extraction

EngineName = Literal["local", "dask"]


class Engine(Protocol):
    @property
    def window(self) -> int:
        """How many documents to hand over at once."""
        ...

    def map(self, documents: Sequence[Document]) -> list[Extraction]: ...

    def close(self) -> None: ...


class ClosingEngine:
    """``with`` support for engines: closed on the way out, aborted first on an error."""

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
