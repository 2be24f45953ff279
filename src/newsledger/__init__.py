"""newsledger: attributed claims and figures from developing news, reconciled into a cited briefing.

Stages live in sub-packages and data flows one way through them:
``ingest`` -> ``extract`` -> ``reconcile`` -> ``report`` / ``web``, with ``store`` persisting what
each stage produced and ``scale`` running the same stage functions over many documents.
"""

__version__ = "0.1.0"
