"""The alerting domain: signals, plans, alert lifecycle, escalation and notification."""
