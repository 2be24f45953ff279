"""Scale: the extract stage over many documents, in worker processes or on a Dask cluster.

Both engines have the same small interface (:class:`Engine`), so the pipeline does not know which
one runs: it hands over windows of documents and writes what comes back, in order, as the single
writer to the store.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal, Protocol

from newsledger.model import Document, Extraction

EngineName = Literal["local", "dask"]


class Engine(Protocol):
    @property
    def window(self) -> int:
        """How many documents to hand over at once."""
        ...

    def map(self, documents: Sequence[Document]) -> list[Extraction]: ...

    def close(self) -> None: ...


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
