"""A fast encoder of the Prometheus text format (0.0.4) for the app's registry.

prometheus_client's generate_latest validates and escapes every label name of every
sample; roomwatch's names are fixed and legal, so they are checked once per family and
only label values are escaped. The output is byte-for-byte what generate_latest writes
(tests/test_exposition.py holds it to that). `encode` gzips it for a scraper that asks
(Prometheus sends `Accept-Encoding: gzip`): the text compresses about 15:1.
"""

from __future__ import annotations

import gzip
import re
from collections.abc import Callable, Iterable
from typing import cast

from prometheus_client.registry import Collector
from prometheus_client.utils import floatToGoString

_go_float = cast(Callable[[float], str], floatToGoString)  # the library leaves it untyped

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
_LEGAL_NAME = re.compile(r"^[a-zA-Z_:][a-zA-Z0-9_:]*$")
_LEGAL_LABEL = re.compile(r"^[a-zA-Z_][a-zA-Z0-9_]*$")
_OM_SUFFIXES = ("_created", "_gsum", "_gcount")
_TYPES = {"info": "gauge", "stateset": "gauge", "gaugehistogram": "histogram", "unknown": "untyped"}
# Level 1: about 3 ms for a 1.4 MiB scrape, and within 12% of level 6's size at a third
# of its time (bench/bench_metrics_scrape.py prints both figures).
GZIP_LEVEL = 1


class ExpositionError(ValueError):
    """A metric or label name is not legal in the text format."""


def _escape_value(value: str) -> str:
    if "\\" in value or '"' in value or "\n" in value:
        return value.replace("\\", r"\\").replace("\n", r"\n").replace('"', r"\"")
    return value


def _escape_help(doc: str) -> str:
    return doc.replace("\\", r"\\").replace("\n", r"\n")


def render(registry: Collector) -> bytes:
    """Return the registry's metrics in the Prometheus text format."""
    out: list[str] = []
    checked: set[str] = set()
    for metric in registry.collect():
        name, mtype = metric.name, metric.type
        if mtype == "counter":
            name += "_total"
        elif mtype == "info":
            name += "_info"
        mtype = _TYPES.get(mtype, mtype)
        if not _LEGAL_NAME.match(name):
            raise ExpositionError(f"metric name {name!r} is not legal in the text format")
        doc = _escape_help(metric.documentation)
        out.append(f"# HELP {name} {doc}\n# TYPE {name} {mtype}\n")
        extra: dict[str, list[str]] = {}
        for sample in metric.samples:
            line = _sample_line(sample.name, sample.labels, sample.value, sample.timestamp, checked)
            for suffix in _OM_SUFFIXES:
                if sample.name == metric.name + suffix:
                    extra.setdefault(suffix, []).append(line)
                    break
            else:
                out.append(line)
        for suffix, lines in sorted(extra.items()):
            out.append(f"# HELP {metric.name}{suffix} {doc}\n")
            out.append(f"# TYPE {metric.name}{suffix} gauge\n")
            out.extend(lines)
    return "".join(out).encode("utf-8")


def _sample_line(
    name: str, labels: dict[str, str], value: float, timestamp: object, checked: set[str]
) -> str:
    if name not in checked:
        if not _LEGAL_NAME.match(name):
            raise ExpositionError(f"metric name {name!r} is not legal in the text format")
        checked.add(name)
    stamp = f" {int(float(timestamp) * 1000):d}" if timestamp is not None else ""  # type: ignore[arg-type]
    if not labels:
        return f"{name} {_go_float(value)}{stamp}\n"
    pairs: Iterable[tuple[str, str]] = sorted(labels.items()) if len(labels) > 1 else labels.items()
    parts = []
    for key, val in pairs:
        if key not in checked:
            if not _LEGAL_LABEL.match(key):
                raise ExpositionError(f"label name {key!r} is not legal in the text format")
            checked.add(key)
        parts.append(f'{key}="{_escape_value(val)}"')
    return f"{name}{{{','.join(parts)}}} {_go_float(value)}{stamp}\n"


def accepts_gzip(accept_encoding: str) -> bool:
    """Return whether an Accept-Encoding header value allows gzip (RFC 9110 q-values)."""
    quality: dict[str, float] = {}
    for item in accept_encoding.split(","):
        coding, *params = (part.strip() for part in item.split(";"))
        q = 1.0
        for param in params:
            key, _, value = param.partition("=")
            if key.strip().lower() == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        quality[coding.lower()] = q
    for coding in ("gzip", "x-gzip", "*"):  # a named coding overrides the wildcard
        if coding in quality:
            return quality[coding] > 0
    return False


def encode(registry: Collector, accept_encoding: str = "") -> tuple[bytes, str | None]:
    """Return the rendered metrics and their Content-Encoding (gzip when accepted, else None)."""
    body = render(registry)
    if accepts_gzip(accept_encoding):
        return gzip.compress(body, compresslevel=GZIP_LEVEL, mtime=0), "gzip"
    return body, None
