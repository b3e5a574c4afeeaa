"""The HTTP face of roomwatch: console, feed, REST API, ingest, metrics, health."""
