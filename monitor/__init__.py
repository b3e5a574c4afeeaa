"""roomwatch's running service: ingest, detection, web and wiring."""

__version__ = "0.1.0"
