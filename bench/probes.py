"""Bad-input probes of the `kliping` command line (issue 15), run as child processes: each must
end with one `kliping...` line on stderr, exit status 1 or 2, no traceback and no secret. No
database is needed: every probe must be refused before one is used.

    python bench/probes.py                 # this checkout
    PYTHONPATH=/old/checkout/src python bench/probes.py   # another one, for a before/after
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
from collections import Counter

SECRET = "s3cret-Pw"
WORDS = " ".join(["kata"] * 20_000)

# (class, arguments, extra environment)
PROBES: list[tuple[str, list[str], dict[str, str]]] = [
    *[("--every", ["daemon", "--every", v], {}) for v in ("-1", "0", "nan", "inf", "1e30")],
    *[("--crawl-timeout", ["daemon", "--crawl-timeout", v], {}) for v in ("-1", "nan", "1e400")],
    *[("--limit", ["stories", "--limit", v], {}) for v in ("-1", "99999999999999999999")],
    ("--max-articles", ["crawl", "--max-articles", "-1"], {}),
    ("story ID", ["story", "99999999999999999999999"], {}),
    ("--search", ["stories", "--search", ""], {}),
    ("--search", ["stories", "--search", WORDS], {}),
    ("--since/--until", ["crawl", "--since", "2025-02-01", "--until", "2025-01-01"], {}),
    ("non-UTF-8 argument", ["stories", "--outlet", "\udcff\udcfe"], {}),
    *[
        ("settings", ["stories"], {name: value})
        for name, value in [
            ("KLIPING_DOWNLOAD_DELAY", "inf"),
            ("KLIPING_DOWNLOAD_DELAY", "nan"),
            ("KLIPING_EXTRACT_WORKERS", str(10**23)),
            ("KLIPING_MAX_PAGE_BYTES", str(2**40)),
            ("KLIPING_RETRY_BACKOFF", "1e30"),
        ]
    ],
    *[
        ("DATABASE_URL", ["stories"], {"DATABASE_URL": url})
        for url in (
            f"postgresql+psycopg://k:{SECRET}@db.example/k",
            f"mysql://k:{SECRET}@db.example/k",
            "notaurl",
            f"postgresql://k:{SECRET}@[::1/k",
            f"postgresql://k:{SECRET}@h:port/k",
        )
    ],
    ("extract URL", ["extract", "ftp://127.0.0.1/x"], {}),
    ("extract URL", ["extract", "http://[::1/x"], {}),
]


# A database that refuses at once: a probe that gets as far as connecting has not refused its
# bad input up front (and no embedded server is ever started by a probe).
REFUSED = "postgresql://probe@127.0.0.1:1/none"
TIMEOUT = 20  # seconds; a probe still running then (a daemon that accepted --every -1) fails


def run(args: list[str], env: dict[str, str]) -> tuple[bool, str]:
    with tempfile.TemporaryDirectory() as home:
        child = subprocess.Popen(
            [sys.executable, "-m", "kliping", *args],
            env={**os.environ, "KLIPING_HOME": home, "DATABASE_URL": REFUSED, **env},
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            start_new_session=True,
        )
        try:
            out, err_bytes = child.communicate(timeout=TIMEOUT)
        except subprocess.TimeoutExpired:
            os.killpg(child.pid, signal.SIGKILL)  # its own session: the probe and its children
            child.communicate()
            return False, f"still running after {TIMEOUT} s"
    err = err_bytes.decode("utf-8", "replace")
    lines = [line for line in err.splitlines() if line.strip()]
    ok = (
        child.returncode in (1, 2)
        and "Traceback" not in err
        and SECRET not in err + out.decode("utf-8", "replace")
        and sum(1 for line in lines if line.startswith("kliping")) == 1
    )
    return ok, f"exit {child.returncode}: {(lines or [''])[-1][:110]}"


def main() -> int:
    passed: Counter[str] = Counter()
    tried: Counter[str] = Counter()
    for kind, args, env in PROBES:
        ok, said = run(args, env)
        tried[kind] += 1
        passed[kind] += ok
        print(f"{'ok ' if ok else 'BAD'} {kind:20} {said}")
    print(f"\n{sum(passed.values())} of {sum(tried.values())} probes passed")
    for kind in tried:
        print(f"  {kind:20} {passed[kind]}/{tried[kind]}")
    return 0 if passed == tried else 1


if __name__ == "__main__":
    sys.exit(main())
