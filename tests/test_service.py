"""The systemd unit: it matches the README's install (a venv under /opt/kliping), carries the
usual hardening, and ``systemd-analyze verify`` accepts it (skipped where systemd is absent)."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
UNIT = ROOT / "scheduler" / "kliping.service"
README = (ROOT / "README.md").read_text("utf-8")
EXEC = "/opt/kliping/bin/kliping"
HARDENING = {
    "NoNewPrivileges": "yes",
    "ProtectSystem": "strict",
    "ProtectHome": "yes",
    "PrivateTmp": "yes",
    "ReadWritePaths": "/var/lib/kliping",
    "CapabilityBoundingSet": "",
    "RestrictAddressFamilies": "AF_UNIX AF_INET AF_INET6",
}


def _settings(text: str) -> dict[str, str]:
    found = {}
    for line in text.splitlines():
        if "=" in line and not line.startswith("#"):
            key, _, value = line.partition("=")
            found.setdefault(key.strip(), value.strip())
    return found


def test_unit_runs_the_documented_install_with_hardening() -> None:
    settings = _settings(UNIT.read_text("utf-8"))
    assert settings["ExecStart"] == f"{EXEC} daemon"
    assert settings["Environment"] == "KLIPING_HOME=/var/lib/kliping"
    for key, value in HARDENING.items():
        assert settings.get(key) == value, key
    # The README's install creates what the unit runs, and protects the password file.
    service = README.split("## Running as a service", 1)[1].split("\n## ", 1)[0]
    assert "python3 -m venv /opt/kliping" in service
    assert f"{EXEC}" in service
    assert "install -m 600" in service and "tee /etc/kliping/env" not in service


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="no systemd-analyze here")
def test_systemd_analyze_verify_accepts_the_unit(tmp_path: Path) -> None:
    # verify checks that ExecStart is executable: stand a script in for the venv's kliping.
    stand_in = tmp_path / "kliping"
    stand_in.write_text("#!/bin/sh\nexit 0\n")
    stand_in.chmod(0o755)
    unit = tmp_path / "kliping.service"
    unit.write_text(UNIT.read_text("utf-8").replace(EXEC, str(stand_in)))
    done = subprocess.run(
        ["systemd-analyze", "verify", str(unit)], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert "kliping.service" not in done.stderr, done.stderr  # no warning about the unit
    security = subprocess.run(
        ["systemd-analyze", "security", "--offline=true", str(unit)],
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    level = re.search(r"Overall exposure level for kliping.service: ([\d.]+)", security.stdout)
    if security.returncode != 0 or level is None:
        pytest.skip("this systemd-analyze cannot rate a unit file offline")
    assert float(level[1]) < 3.0, security.stdout[-2000:]
