"""Detection in child processes: the same verdicts, reloads reach them, a killed one is replaced."""

from __future__ import annotations

import os
import signal
from pathlib import Path

import aiohttp
import pytest
from prometheus_client import CollectorRegistry

from alerts.model import SignalKind
from config.loader import load_config_text
from monitor.app import build_service
from monitor.detect.detector import LexiconDetector, Verdict
from monitor.offload import DetectorProcesses, Job
from tests.support import running, wait_for

CONFIG = """
rooms: [{id: room-a}, {id: room-b}]
pipeline: {detect_processes: 1}
sources: [{type: http_ingest, id: shop, token: shop-token-123456}]
detection:
  lexicon_dir: LEXICONS
  reload_interval: 0
  categories:
    - {id: contact_diversion, files: [contact.txt], homophones: true, contact: true}
    - {id: fraud, terms: [刷单返利]}
plans:
  items:
    - id: burst
      name: 敏感评论集中出现
      count: {signal: sensitive, min: 3, window: 60}
"""
SHOP = {"Authorization": "Bearer shop-token-123456"}
TEXTS = [
    "加我微信 私聊发货",
    "加.薇.信 领红包",
    "ｖｘ：①③⑧①②③④⑤⑥⑦⑧",
    "刷单返利日结",
    "质量太差了，退货退款",
    "这个是正品吗？",
    "主播好漂亮",
    "666",
]


def config_text(tmp_path: Path) -> str:
    lexicons = tmp_path / "lexicons"
    lexicons.mkdir(exist_ok=True)
    (lexicons / "contact.txt").write_text("加微信\n私聊\n", encoding="utf-8")
    cues = Path(__file__).resolve().parent.parent / "config" / "lexicons"
    for name in ("contact_cues.txt", "complaints.tsv"):
        (lexicons / name).write_text((cues / name).read_text("utf-8"), encoding="utf-8")
    return CONFIG.replace("LEXICONS", str(lexicons))


def jobs_for(texts: list[str], user: str = "u1", platform: str = "") -> list[Job]:
    return [
        ("comment", t, f"room-a\x1f{user}", 1_700_000_000.0 + i, platform)
        for i, t in enumerate(texts)
    ]


async def test_a_child_gives_the_verdicts_the_instance_would(tmp_path: Path) -> None:
    config = load_config_text(config_text(tmp_path), base_dir=tmp_path)
    local = LexiconDetector(config.detection, config.base_dir, registry=CollectorRegistry())
    reference = LexiconDetector(config.detection, config.base_dir, registry=CollectorRegistry())
    offload = DetectorProcesses(config.detection, config.base_dir, local, 1)
    await offload.start()
    try:
        # A phone number split over two messages is joined by the child's user window.
        texts = [*TEXTS, "加我v", "138 0013", "8000"]
        verdicts, seconds, errors = await offload.detect(0, jobs_for(texts))
        expected = [reference.verdicts(*job) for job in jobs_for(texts)]
        assert verdicts == expected
        assert len(seconds) == len(texts) and all(s >= 0 for s in seconds) and errors == 0
        assert any(v.via == "window" for found in verdicts for v in found)
        assert sum(1 for found in verdicts if found) >= 5
    finally:
        await offload.stop()


def sensitive(verdicts: list[list[Verdict]]) -> list[list[str]]:
    return [[v.category for v in found if v.kind is SignalKind.SENSITIVE] for found in verdicts]


async def test_a_child_reads_the_rooms_platform_from_the_job(tmp_path: Path) -> None:
    text = config_text(tmp_path)
    (tmp_path / "lexicons" / "contact.txt").write_text("加微信\n抖音\n快手\n", encoding="utf-8")
    config = load_config_text(text, base_dir=tmp_path)
    local = LexiconDetector(config.detection, config.base_dir, registry=CollectorRegistry())
    offload = DetectorProcesses(config.detection, config.base_dir, local, 1)
    await offload.start()
    try:
        texts = ["抖音商城搜同款", "快手商城搜同款"]
        in_douyin = (await offload.detect(0, jobs_for(texts, platform="douyin")))[0]
        in_kuaishou = (await offload.detect(0, jobs_for(texts, "u2", "kuaishou")))[0]
        nowhere = (await offload.detect(0, jobs_for(texts, "u3")))[0]
        assert sensitive(in_douyin) == [[], ["contact_diversion"]]
        assert sensitive(in_kuaishou) == [["contact_diversion"], []]
        assert sensitive(nowhere) == [["contact_diversion"], ["contact_diversion"]]
    finally:
        await offload.stop()


async def test_a_reload_in_the_instance_reaches_the_child(tmp_path: Path) -> None:
    config = load_config_text(config_text(tmp_path), base_dir=tmp_path)
    local = LexiconDetector(config.detection, config.base_dir, registry=CollectorRegistry())
    offload = DetectorProcesses(config.detection, config.base_dir, local, 1)
    await offload.start()
    try:
        job = jobs_for(["扫码进群有惊喜"])
        assert (await offload.detect(0, job))[0] == [[]]
        contact = tmp_path / "lexicons" / "contact.txt"
        contact.write_text("加微信\n私聊\n扫码进群\n", encoding="utf-8")
        assert local.reload()
        found = (await offload.detect(0, job))[0][0]
        assert [v.category for v in found] == ["contact_diversion"]
    finally:
        await offload.stop()


async def test_a_killed_child_is_replaced_and_no_event_goes_undetected(tmp_path: Path) -> None:
    service = build_service(
        load_config_text(config_text(tmp_path), base_dir=tmp_path), registry=CollectorRegistry()
    )
    offload = service.pipeline.offload
    assert offload is not None
    async with running(service) as base, aiohttp.ClientSession(base_url=base) as http:
        child = offload._children[0].proc
        assert child is not None and child.returncode is None
        os.kill(child.pid, signal.SIGKILL)
        await child.wait()
        # While it is gone, the instance detects the texts itself.
        batch = [
            {"kind": "comment", "room": "room-a", "text": f"加微信 {i}号", "user": f"u{i}"}
            for i in range(3)
        ]
        async with http.post("/api/v1/ingest", json=batch, headers=SHOP) as r:
            assert r.status == 200 and (await r.json())["accepted"] == 3
        await service.pipeline.drain(10)
        alerts = await service.store.list_alerts()
        assert [a.plan_id for a in alerts] == ["burst"] and len(alerts[0].comments) == 3
        # the first restart comes after a second
        await wait_for(lambda: offload.restarts, 10, "the detector process to restart")
        assert offload.restarts == 1
        restarts = service.registry.get_sample_value("roomwatch_detector_process_restarts_total")
        assert restarts == 1.0
        fresh = offload._children[0].proc
        assert fresh is not None and fresh.pid != child.pid and fresh.returncode is None
        found = (await offload.detect(0, jobs_for(["刷单返利"]))).verdicts
        assert [v.category for v in found[0]] == ["fraud"]


@pytest.mark.parametrize("processes", [2])
async def test_each_worker_keeps_to_one_child(tmp_path: Path, processes: int) -> None:
    config = load_config_text(config_text(tmp_path), base_dir=tmp_path)
    local = LexiconDetector(config.detection, config.base_dir, registry=CollectorRegistry())
    offload = DetectorProcesses(config.detection, config.base_dir, local, processes)
    await offload.start()
    try:
        # The split phone number is joined only if both halves reach the same child.
        first, second = jobs_for(["加我v 138 0013"]), jobs_for(["8000"], user="u1")
        await offload.detect(3, first)
        found = (await offload.detect(3, second)).verdicts
        assert [v.via for v in found[0]] == ["window"]
        pids = {c.proc.pid for c in offload._children if c.proc is not None}
        assert len(pids) == processes
    finally:
        await offload.stop()
