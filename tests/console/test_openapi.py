"""docs/openapi.yaml documents exactly the routes the app registers (both directions)."""

from __future__ import annotations

from pathlib import Path

import yaml

from config.loader import default_config_path, load_config_text
from monitor.app import build_service
from monitor.web.app import build_web_app
from tests.detect_support import compile_once

OPENAPI = Path(__file__).resolve().parents[2] / "docs" / "openapi.yaml"
PAGES = {"/", "/login"}  # HTML pages of the console, not API
METHODS = {"get", "post", "put", "delete", "patch"}
# A demo config plus one platform callback source, so every kind of route is registered.
EXTRA_SOURCE = """
  - type: douyin_open
    id: dyo
    secret: callback-secret
    room: room-a
"""


def registered() -> set[tuple[str, str]]:
    text = default_config_path().read_text(encoding="utf-8")
    text = text.replace("\nsources:\n", "\nsources:" + EXTRA_SOURCE, 1)
    config = load_config_text(text, base_dir=default_config_path().parent)
    assert any(s.type == "douyin_open" for s in config.sources)
    app = build_web_app(build_service(config, compiler=compile_once))
    out: set[tuple[str, str]] = set()
    for route in app.router.routes():
        info = route.resource.get_info() if route.resource is not None else {}
        path = info.get("path") or info.get("formatter")
        if route.method == "HEAD" or path is None or path in PAGES or path.endswith(".html"):
            continue  # HEAD mirrors GET; static files and pages are not the REST API
        out.add((route.method.lower(), path.replace("/dyo", "/{source_id}")))
    return out


def documented() -> set[tuple[str, str]]:
    spec = yaml.safe_load(OPENAPI.read_text(encoding="utf-8"))
    assert spec["openapi"].startswith("3.")
    return {(m, p) for p, ops in spec["paths"].items() for m in ops if m in METHODS}


def test_every_route_is_documented_and_every_documented_route_exists() -> None:
    routes, docs = registered(), documented()
    assert not routes - docs, f"add these routes to docs/openapi.yaml: {sorted(routes - docs)}"
    assert not docs - routes, f"documented but not served: {sorted(docs - routes)}"
    assert len(routes) >= 25


def test_documented_path_parameters_match_the_route_patterns() -> None:
    spec = yaml.safe_load(OPENAPI.read_text(encoding="utf-8"))
    params = spec["components"]["parameters"]
    for path, ops in spec["paths"].items():
        names = {seg[1:-1] for seg in path.split("/") if seg.startswith("{")}
        declared = set()
        for p in ops.get("parameters", []):
            p = params[p["$ref"].rsplit("/", 1)[1]] if "$ref" in p else p
            if p["in"] == "path":
                declared.add(p["name"])
        assert names == declared, f"{path}: path parameters {names} vs declared {declared}"


def test_the_document_is_a_valid_openapi_description() -> None:
    # openapi-spec-validator checks it against the OpenAPI schema: an unquoted comma in a
    # flow mapping, for one, makes a stray key that the schema does not allow.
    from openapi_spec_validator import validate
    from openapi_spec_validator.readers import read_from_filename

    spec, _ = read_from_filename(str(OPENAPI))
    validate(spec)
