"""`roomwatch hash-password`: print an argon2id hash (or a new API token) for people.users."""

from __future__ import annotations

import argparse
import getpass
import sys

from monitor.access.passwords import hash_secret, new_token


def cmd_hash_password(args: argparse.Namespace) -> int:
    if args.token:
        token, token_id = new_token()
        print(f"token (give it to the script, shown once): {token}")
        print(f"config entry for people.users[].tokens:    {token_id}:{hash_secret(token)}")
        return 0
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
    print(hash_secret(plain))
    return 0


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("hash-password", help="hash a password, or make an API token, for people")
    p.add_argument("--stdin", action="store_true", help="read one line from stdin (no prompt)")
    p.add_argument(
        "--token", action="store_true", help="make a new API token and print its config entry"
    )
    p.set_defaults(func=cmd_hash_password)
