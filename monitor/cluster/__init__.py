"""Several instances on one Redis: room leases, stream intake, feed fan-out (see setup.py)."""
