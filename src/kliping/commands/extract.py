"""``kliping extract FILE_OR_URL [--url URL]``: one JSON object for one page."""

from __future__ import annotations

import argparse
import json

from kliping.cli import CommandError
from kliping.commands.outlets import load


def run(args: argparse.Namespace) -> int:
    from kliping.crawler.extract import ExtractionError, cli_extract
    from kliping.crawler.extract.fetch import check_http_url

    rules = None
    page_url = args.url or (args.target if "://" in args.target else None)
    try:
        if "://" in args.target:
            check_http_url(args.target)  # before the registry is read: ftp://, malformed
    except ExtractionError as exc:
        raise CommandError(str(exc)) from None
    if page_url:
        # The outlet's own rules (title suffixes, pruned blocks, one-page view) when the URL
        # belongs to a registry outlet; the shared Indonesian rules otherwise.
        outlets = [o for o in load(args).values() if o.owns(page_url)]
        owner = next((o for o in outlets if o.is_article(page_url)), None) or next(
            iter(outlets), None
        )
        if owner is not None:
            rules = owner.extract
    try:
        result = cli_extract(args.target, args.url, rules, args.settings)
    except ExtractionError as exc:
        raise CommandError(str(exc)) from None
    except OSError as exc:
        raise CommandError(f"cannot read {args.target}: {exc}") from None
    print(json.dumps(result, ensure_ascii=False))
    return 0
