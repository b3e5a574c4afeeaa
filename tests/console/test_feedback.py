"""False-positive feedback: recorded, and a supervisor's allowlist term applies at once."""

from __future__ import annotations

from pathlib import Path

from monitor.events import parse_event
from tests.console.conftest import CONFIG, start

DETECTION = """detection:
  categories:
    - { id: contact_diversion, severity: critical, terms: [加我微信, 私下交易] }
"""


async def test_false_positive_then_allowlist_applies_without_restart(tmp_path: Path) -> None:
    (tmp_path / "console_allowlist.txt").write_text("# hand-written\n", encoding="utf-8")
    text = CONFIG.replace(
        DETECTION,
        DETECTION
        + f"  lexicon_dir: {tmp_path}\n  allowlist_files: [console_allowlist.txt]\n"
        + "  sentiment: { enabled: false }\n",
    )
    assert "lexicon_dir" in text
    run, stop, task = await start(text)
    try:
        await run.incident("r1", tag="f")
        [alert] = await run.service.store.list_alerts(rooms=["r1"])
        comment = alert.comments[0]
        ctl = await run.session("ctl-a")
        sup = await run.session("sup-a")
        async with ctl, sup:
            url = f"{run.base}/api/v1/alerts/{alert.id}/comments/{comment.event_id}"
            async with ctl.post(url, json={"action": "false_positive"}) as r:
                assert r.status == 200
            async with ctl.post(url, json={"action": "deleted"}) as r:
                assert r.status == 409  # already handled
            async with ctl.post(url.replace(comment.event_id, "nope"), json={"action": "x"}) as r:
                assert r.status == 400 and "action" in (await r.json())["error"]
            async with sup.get(f"{run.base}/api/v1/false-positives") as r:
                [fp] = (await r.json())["false_positives"]
            assert fp["terms"] == ["加我微信"] and fp["by"] == "ctl-a" and fp["room"] == "r1"
            body = {"term": "加我微信", "category": "contact_diversion"}
            async with ctl.post(f"{run.base}/api/v1/allowlist", json=body) as r:
                assert r.status == 403  # controllers report; supervisors decide
            async with sup.post(f"{run.base}/api/v1/allowlist", json={"term": " "}) as r:
                assert r.status == 400 and "term" in (await r.json())["error"]
            async with sup.post(f"{run.base}/api/v1/allowlist", json=body) as r:
                assert r.status == 201
                assert (await r.json())["scope"] == "team"  # the supervisor's one team
            async with sup.get(f"{run.base}/api/v1/allowlist") as r:
                assert [t["term"] for t in (await r.json())["terms"]] == ["加我微信"]
            async with sup.get(f"{run.base}/api/v1/audit?action=allowlist_add") as r:
                [entry] = (await r.json())["audit"]
            assert entry["actor"] == "sup-a" and entry["target"] == "加我微信"
        # Kept in the store, not written to the lexicon folder.
        kept = (tmp_path / "console_allowlist.txt").read_text(encoding="utf-8")
        assert kept == "# hand-written\n"
        # The running pipeline no longer flags the allowlisted phrase; other terms still hit.
        detect, allow = run.service.detector.detect, run.service.pipeline.allowlist
        assert allow is not None
        quiet = parse_event({"kind": "comment", "room": "r1", "text": "加我微信", "user": "x"})
        loud = parse_event({"kind": "comment", "room": "r1", "text": "私下交易", "user": "y"})
        assert detect(quiet) and not allow.filter(detect(quiet))
        assert allow.filter(detect(loud))
    finally:
        stop.set()
        await task
