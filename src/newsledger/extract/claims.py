"""Extract: entities, attributed claims, quantities and dates from clean documents (next issue)."""
