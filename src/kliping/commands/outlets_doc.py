"""Writes ``docs/outlets.md``, the bundled outlet registry as a Markdown table.

    python -m kliping.commands.outlets_doc > docs/outlets.md

``tests/test_docs.py`` fails when an outlet of ``config/outlets.toml`` is missing from it.
"""

from __future__ import annotations

from kliping.config.outlets import Registry, load_registry

HEADER = """# Outlets

Generated from [`config/outlets.toml`](../config/outlets.toml) by
`(python -m kliping.commands.outlets_doc; python -m tests.registry_real --doc) > docs/outlets.md`
(the second part measures the registry against `../shared/data`); do not edit by hand.

| key | name | domains | feeds | news sitemaps | section pages | backfill | every | evidence |
|---|---|---|---|---|---|---|---|---|
"""


def render(registry: Registry) -> str:
    rows = [
        f"| `{o.key}` | {o.name} | {', '.join(o.domains)} | {len(o.feeds)} | {len(o.sitemaps)}"
        f" | {len(o.sections)} | {'yes' if o.archive else '-'} | {o.interval_minutes} min"
        f" | {o.evidence or '-'} |"
        for o in registry.values()
    ]
    return HEADER + "\n".join(rows) + "\n"


if __name__ == "__main__":
    print(render(load_registry()), end="")
