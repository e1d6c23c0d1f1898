"""``kliping cluster --input FILE.jsonl``: offline, no database; same engine as the daemon."""

from __future__ import annotations

import argparse
import io
import json
import sys

from kliping.cli import CommandError


def run(args: argparse.Namespace) -> int:
    from kliping.dedup.jsonl import checked_lines
    from kliping.dedup.offline import cluster_jsonl

    try:
        if args.input == "-":  # UTF-8 whatever the locale says, as for a file
            handle = io.TextIOWrapper(sys.stdin.buffer, encoding="utf-8")
        else:
            handle = open(args.input, encoding="utf-8")  # noqa: SIM115
    except OSError as exc:
        raise CommandError(f"cannot read {args.input}: {exc.strerror}") from None
    with handle:
        try:
            for row in cluster_jsonl(checked_lines(handle)):
                sys.stdout.write(json.dumps(row, ensure_ascii=False) + "\n")
        except (ValueError, KeyError) as exc:
            raise CommandError(f"{args.input}: {exc}") from None
    return 0
