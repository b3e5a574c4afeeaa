"""`roomwatch hash-password`: print a pbkdf2_sha256 hash for the people section of the config."""

from __future__ import annotations

import argparse
import getpass
import sys

from monitor.access.passwords import DEFAULT_ITERATIONS, MIN_ITERATIONS, hash_secret


def cmd_hash_password(args: argparse.Namespace) -> int:
    if args.stdin:
        plain = sys.stdin.readline().rstrip("\n")
    else:
        plain = getpass.getpass("password: ")
        if getpass.getpass("again: ") != plain:
            print("roomwatch: the two entries differ", file=sys.stderr)
            return 1
    if not plain:
        print("roomwatch: empty password", file=sys.stderr)
        return 1
    if args.iterations < MIN_ITERATIONS:
        print(f"roomwatch: --iterations must be at least {MIN_ITERATIONS}", file=sys.stderr)
        return 2
    print(hash_secret(plain, iterations=args.iterations))
    return 0


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("hash-password", help="hash a password or API token for people.users")
    p.add_argument("--stdin", action="store_true", help="read one line from stdin (no prompt)")
    p.add_argument("--iterations", type=int, default=DEFAULT_ITERATIONS)
    p.set_defaults(func=cmd_hash_password)
