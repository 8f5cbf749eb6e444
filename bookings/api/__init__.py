"""The public read-only JSON API (/api/v1/): libraries and their free times, no personal data."""
