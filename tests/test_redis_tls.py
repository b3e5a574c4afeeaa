"""TLS to Redis with a client certificate: the store's own client and redis-py alike."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from alerts.store.connect import RedisTarget
from alerts.store.resp import RespConnectionError
from config.store import RedisTLS
from tests.redis_server import RedisServer, free_port


def _openssl(*args: str, cwd: Path) -> None:
    subprocess.run(["openssl", *args], cwd=cwd, check=True, capture_output=True)


def make_certs(d: Path) -> None:
    """A CA, a server certificate for 127.0.0.1 and a client certificate, all signed by it."""
    _openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
             "-subj", "/CN=test-ca", "-keyout", "ca.key", "-out", "ca.crt", cwd=d)  # fmt: skip
    (d / "san.ext").write_text("subjectAltName=IP:127.0.0.1\n", encoding="utf-8")
    for name, ext in (("server", ["-extfile", "san.ext"]), ("client", [])):
        _openssl("req", "-newkey", "rsa:2048", "-nodes", "-subj", f"/CN={name}",
                 "-keyout", f"{name}.key", "-out", f"{name}.csr", cwd=d)  # fmt: skip
        _openssl("x509", "-req", "-in", f"{name}.csr", "-CA", "ca.crt", "-CAkey", "ca.key",
                 "-CAcreateserial", "-days", "2", "-out", f"{name}.crt", *ext, cwd=d)  # fmt: skip


@pytest.fixture
def tls_redis(tmp_path: Path) -> Iterator[tuple[int, Path]]:
    make_certs(tmp_path)
    tls_port = free_port()
    server = RedisServer(
        extra=[
            "--tls-port", str(tls_port),
            "--tls-cert-file", str(tmp_path / "server.crt"),
            "--tls-key-file", str(tmp_path / "server.key"),
            "--tls-ca-cert-file", str(tmp_path / "ca.crt"),
            "--tls-auth-clients", "yes",
        ]
    )  # fmt: skip
    server.start()
    try:
        yield tls_port, tmp_path
    finally:
        server.close()


async def test_a_client_certificate_opens_both_clients(tls_redis: tuple[int, Path]) -> None:
    port, d = tls_redis
    tls = RedisTLS(
        ca_file=str(d / "ca.crt"), cert_file=str(d / "client.crt"), key_file=str(d / "client.key")
    )
    target = RedisTarget(url=f"rediss://127.0.0.1:{port}/0", tls=tls)
    resp = target.resp(retries=0)
    client = target.redis(max_connections=4)
    try:
        assert await resp.execute("SET", "k", "v") == b"OK"
        assert await client.get("k") == b"v"
    finally:
        await resp.close()
        await client.aclose()
        await target.close()


async def test_without_the_client_certificate_redis_refuses(tls_redis: tuple[int, Path]) -> None:
    port, d = tls_redis
    target = RedisTarget(
        url=f"redis://127.0.0.1:{port}/0", tls=RedisTLS(enabled=True, ca_file=str(d / "ca.crt"))
    )
    resp = target.resp(retries=0)
    try:
        with pytest.raises(RespConnectionError):
            await resp.execute("PING")
    finally:
        await resp.close()
