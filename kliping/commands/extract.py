"""``kliping extract FILE_OR_URL [--url URL]``: one JSON object for one page."""

from __future__ import annotations

import argparse
import json

from kliping.cli import CommandError


def run(args: argparse.Namespace) -> int:
    from kliping.crawler.extract import ExtractionError, cli_extract

    try:
        result = cli_extract(args.target, args.url)
    except ExtractionError as exc:
        raise CommandError(str(exc)) from None
    except OSError as exc:
        raise CommandError(f"cannot read {args.target}: {exc}") from None
    print(json.dumps(result, ensure_ascii=False))
    return 0
