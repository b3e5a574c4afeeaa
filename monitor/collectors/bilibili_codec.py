"""Bilibili danmaku wire format: 16-byte big-endian packets, JSON commands, zlib/brotli batches."""

from __future__ import annotations

import struct
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import brotli
import orjson

from monitor.collectors.bilibili_commands import CommandMapper
from monitor.collectors.common import (
    DECOMPRESS,
    MALFORMED,
    TRUNCATED,
    UNKNOWN_TYPE,
    Decoded,
    Disconnect,
    SourceStats,
)

HEADER = struct.Struct(">IHHII")
HEADER_LEN = 16
OP_HEARTBEAT, OP_HEARTBEAT_REPLY, OP_MESSAGE, OP_AUTH, OP_AUTH_REPLY = 2, 3, 5, 7, 8
VER_JSON, VER_RAW, VER_ZLIB, VER_BROTLI = 0, 1, 2, 3
MAX_DEPTH = 3
MAX_INFLATED = 16 * 1024 * 1024


class PacketError(ValueError):
    """A packet stream is damaged; `reason` is a bounded decode-error label."""

    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(f"{reason}: {detail}")
        self.reason = reason


@dataclass(frozen=True, slots=True)
class Packet:
    ver: int
    op: int
    seq: int
    body: bytes


def pack(op: int, body: bytes = b"", *, ver: int = VER_RAW, seq: int = 1) -> bytes:
    """Return one packet: header then body."""
    return HEADER.pack(HEADER_LEN + len(body), HEADER_LEN, ver, op, seq) + body


def iter_packets(data: bytes) -> Iterator[Packet]:
    """Yield the packets laid back to back in one WebSocket message."""
    offset = 0
    while offset < len(data):
        if len(data) - offset < HEADER_LEN:
            raise PacketError(TRUNCATED, f"{len(data) - offset} bytes left, header needs 16")
        pack_len, header_len, ver, op, seq = HEADER.unpack_from(data, offset)
        if header_len < HEADER_LEN or pack_len < header_len:
            raise PacketError(MALFORMED, f"pack_len={pack_len} header_len={header_len}")
        if op == OP_HEARTBEAT_REPLY:
            # pack_len leaves out the echoed heartbeat body: take the 4-byte popularity only.
            body = data[offset + header_len : offset + header_len + 4]
            yield Packet(ver, op, seq, body)
            return
        if offset + pack_len > len(data):
            raise PacketError(TRUNCATED, f"pack_len={pack_len} but {len(data) - offset} bytes")
        yield Packet(ver, op, seq, data[offset + header_len : offset + pack_len])
        offset += pack_len


def inflate(ver: int, body: bytes) -> bytes:
    """Decompress a batch body, refusing anything that inflates past MAX_INFLATED."""
    try:
        if ver == VER_ZLIB:
            z = zlib.decompressobj()
            out = z.decompress(body, MAX_INFLATED)
            if z.unconsumed_tail:
                raise PacketError(DECOMPRESS, "batch inflates past the limit")
            return out
        d = brotli.Decompressor()
        # The limit stops brotli soon after it is passed (at block granularity, so `out` may be
        # longer than the limit): it bounds memory, the length check draws the line.
        out = d.process(body, output_buffer_limit=MAX_INFLATED)
        if len(out) > MAX_INFLATED or not d.is_finished():
            raise PacketError(DECOMPRESS, "brotli batch incomplete or too large")
        return bytes(out)
    except (zlib.error, brotli.error) as exc:
        raise PacketError(DECOMPRESS, str(exc)) from None


class BilibiliDecoder:
    """Decode Bilibili WebSocket messages into Events; every failure is counted, none raised."""

    def __init__(self, mapper: CommandMapper, stats: SourceStats) -> None:
        self.mapper = mapper
        self.stats = stats

    def decode(self, data: bytes | str) -> Decoded:
        out = Decoded.empty()
        if isinstance(data, str):
            self._error(out, MALFORMED)
            return out
        self._walk(data, out, 0)
        return out

    def _error(self, out: Decoded, reason: str) -> None:
        out.errors += 1
        self.stats.error(reason)

    def _walk(self, data: bytes, out: Decoded, depth: int) -> None:
        if not data:
            self._error(out, TRUNCATED)
            return
        try:
            for packet in iter_packets(data):
                self._packet(packet, out, depth)
        except PacketError as exc:
            self._error(out, exc.reason)

    def _packet(self, packet: Packet, out: Decoded, depth: int) -> None:
        if packet.op == OP_HEARTBEAT_REPLY:
            out.controls += 1
            out.heartbeat_reply = True
        elif packet.op == OP_AUTH_REPLY:
            out.controls += 1
            body = _json(packet.body)
            code = body.get("code") if isinstance(body, dict) else None
            if code != 0:
                out.close = Disconnect(rebootstrap=True, reason=f"auth rejected (code {code})")
            else:
                out.authenticated = True
        elif packet.op == OP_MESSAGE:
            if packet.ver in (VER_ZLIB, VER_BROTLI):
                if depth >= MAX_DEPTH:
                    raise PacketError(MALFORMED, "batches nested too deep")
                self._walk(inflate(packet.ver, packet.body), out, depth + 1)
                return
            command = _json(packet.body)
            if not isinstance(command, dict):
                self._error(out, MALFORMED)
                return
            self.mapper.map(command, out)
        else:
            self._error(out, UNKNOWN_TYPE)


def _json(body: bytes) -> Any:
    try:
        return orjson.loads(body)
    except orjson.JSONDecodeError:
        return None
