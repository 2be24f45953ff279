"""Report: the "What we know" briefing in Markdown, HTML and JSON (planned)."""
