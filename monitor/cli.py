"""The roomwatch command: demo, run, check-config (and the subcommands other modules add)."""

from __future__ import annotations

import argparse
import asyncio
import gc
import logging
import sys
from collections.abc import Callable
from pathlib import Path

from config.loader import ConfigError, default_config_path, load_config
from config.schema import Config
from monitor.access.passwords import is_hashed

log = logging.getLogger("roomwatch")

Command = Callable[[argparse.Namespace], int]


def _load(path: str | Path) -> Config | None:
    try:
        return load_config(path)
    except ConfigError as exc:
        for issue in exc.issues:
            print(issue, file=sys.stderr)
        return None


def _serve(config: Config, port: int | None, host: str | None, banner: bool) -> int:
    from monitor.app import build_service
    from monitor.runner import serve

    service = build_service(config)
    bind_host = host or config.server.host
    bind_port = config.server.port if port is None else port

    def ready(bound: int) -> None:
        # Everything built so far (modules, config, lexicons, the web app) lives as long
        # as the process: keep it out of the garbage collector's full passes, which
        # otherwise stop the event loop for tens of milliseconds (docs/scaling.md).
        gc.collect()
        gc.freeze()
        shown = "127.0.0.1" if bind_host in ("0.0.0.0", "::") else bind_host
        print(
            f"roomwatch is up: console http://{shown}:{bound}/  metrics http://{shown}:{bound}/metrics",
            flush=True,
        )
        if banner:
            for person in config.people.users:
                if person.password and not is_hashed(person.password):
                    print(f"  login {person.id} / {person.password}  ({person.role})", flush=True)
            print("Press Ctrl-C to stop.", flush=True)

    try:
        asyncio.run(serve(service, bind_host, bind_port, on_ready=ready))
    except KeyboardInterrupt:
        pass
    except OSError as exc:
        print(
            f"roomwatch: cannot listen on {bind_host}:{bind_port}: {exc.strerror}", file=sys.stderr
        )
        return 1
    print("roomwatch stopped.", flush=True)
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    config = _load(default_config_path())
    if config is None:
        return 2
    return _serve(config, args.port, args.host, banner=True)


def cmd_run(args: argparse.Namespace) -> int:
    config = _load(args.config)
    if config is None:
        return 2
    from monitor.migrate_keys import check_layout

    refusal = asyncio.run(check_layout(config))
    if refusal is not None:
        print(f"roomwatch: {refusal.replace('<file>', args.config)}", file=sys.stderr)
        return 2
    return _serve(config, args.port, args.host, banner=False)


def cmd_check_config(args: argparse.Namespace) -> int:
    try:
        load_config(args.file)
    except ConfigError as exc:
        for issue in exc.issues:
            print(issue)
        print(f"{len(exc.issues)} error(s)")
        return 1
    print("OK")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="roomwatch", description=__doc__)
    parser.add_argument("--log-level", default="INFO")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("demo", help="run the embedded demo (simulated rooms, in-memory store)")
    p.add_argument("--port", type=int, default=None)
    p.add_argument("--host", default=None)
    p.set_defaults(func=cmd_demo)

    p = sub.add_parser("run", help="run a configuration")
    p.add_argument("--config", required=True)
    p.add_argument("--port", type=int, default=None)
    p.add_argument("--host", default=None)
    p.set_defaults(func=cmd_run)

    p = sub.add_parser("check-config", help="validate a configuration file")
    p.add_argument("file")
    p.set_defaults(func=cmd_check_config)

    import monitor.dead_letters  # adds `dead-letters` to EXTRA_COMMANDS
    import monitor.decode  # adds `decode` to EXTRA_COMMANDS
    import monitor.detect.cli  # adds `detect` and `eval` to EXTRA_COMMANDS
    import monitor.migrate_keys  # adds `migrate-keys` to EXTRA_COMMANDS
    import monitor.replay  # adds `replay` to EXTRA_COMMANDS
    import monitor.state_export  # noqa: F401  (adds `export-state` to EXTRA_COMMANDS)
    from monitor.access import cli as access_cli

    for register in [access_cli.register, *EXTRA_COMMANDS]:
        register(sub)
    return parser


# Modules that add subcommands (detect, replay, eval, ...) append a register function here.
EXTRA_COMMANDS: list[Callable[[argparse._SubParsersAction[argparse.ArgumentParser]], None]] = []


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=getattr(logging, str(args.log_level).upper(), logging.INFO),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    result: int = args.func(args)
    return result


if __name__ == "__main__":
    sys.exit(main())
