"""Web: the local web app and JSON API over the same stage functions as the CLI (planned)."""
