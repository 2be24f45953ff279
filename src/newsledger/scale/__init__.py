"""Scale: the stage functions over many documents in worker processes or on Dask (planned)."""
