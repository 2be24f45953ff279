"""Reconcile: stories, actors, independent origins and facts across documents (planned)."""
