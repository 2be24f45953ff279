"""Extract: entities, attributed claims, quantities, dates and places from clean documents.

The entry points are :func:`extract` (one document) and :func:`extract_many` (a stream), both in
:mod:`newsledger.extract.claims`; they are loaded on first use, so importing one finder (say
``newsledger.extract.times``) does not load the rest.
"""

from __future__ import annotations

from typing import Any

__all__ = ["extract", "extract_many"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from newsledger.extract import claims

        return getattr(claims, name)
    raise AttributeError(name)
