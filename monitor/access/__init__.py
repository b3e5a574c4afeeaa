"""People and access: password hashing, the people directory, sessions and the audit log."""
