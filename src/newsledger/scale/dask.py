"""Extraction on a Dask distributed cluster: the same stage function, many machines.

Only the parse-and-extract step is shipped to the workers, in batches; reading, copy detection
and the single writer to the store stay with the caller, exactly as with :class:`LocalEngine`, so
both engines produce the same store from the same inputs. Without a scheduler address a
``LocalCluster`` of worker processes is started on this machine (loopback only); across machines,
start ``dask scheduler`` on one and ``dask worker tcp://SCHEDULER:8786`` on the others (each with
newsledger installed), then pass ``--engine dask --scheduler tcp://SCHEDULER:8786``.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from newsledger.model import Document
from newsledger.scale import ClosingEngine, Pending
from newsledger.scale.local import default_workers, extract_batch


class DaskEngine(ClosingEngine):
    """Runs the extract stage over windows of documents on a Dask cluster, in order."""

    def __init__(
        self, scheduler: str | None = None, workers: int | None = None, batch_size: int = 8
    ) -> None:
        from distributed import Client, LocalCluster

        self.batch_size = batch_size
        self._cluster: Any = None
        if scheduler:
            self.client = Client(scheduler)
        else:
            self._cluster = LocalCluster(
                n_workers=workers or default_workers(),
                threads_per_worker=1,
                processes=True,
                host="127.0.0.1",
                dashboard_address=None,
                # A worker's heartbeat can race the scheduler's close and log a traceback on
                # the way out (distributed says so where it logs it). A task's own error still
                # reaches the caller as an exception from ``gather``.
                silence_logs=logging.CRITICAL,
            )
            self.client = Client(self._cluster)
        self.workers = max(1, len(self.client.scheduler_info().get("workers", {})))

    @property
    def window(self) -> int:
        return self.workers * self.batch_size * 4

    def submit(self, documents: Sequence[Document]) -> Pending:
        """Send the documents to the cluster in batches; the result gathers them in order."""
        batches = [
            list(documents[i : i + self.batch_size])
            for i in range(0, len(documents), self.batch_size)
        ]
        futures = self.client.map(extract_batch, batches, pure=False)
        return lambda: [extraction for batch in self.client.gather(futures) for extraction in batch]

    def close(self) -> None:
        self.client.close()
        if self._cluster is not None:
            self._cluster.close()
