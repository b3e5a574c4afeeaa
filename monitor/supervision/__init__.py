"""Supervision: viewer questions answered in time, broadcasts as sessions, reviews, evaluations."""
