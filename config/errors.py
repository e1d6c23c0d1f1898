"""kliping's one exception base, and the configuration errors (each names what is wrong and where).

The base lives in config/, the lowest layer, so every package's errors can derive from it: a
caller (the CLI, the daemon) catches ``KlipingError`` for "any problem kliping reports".
"""

from __future__ import annotations


class KlipingError(Exception):
    """Base of every error kliping reports with a message meant for the user."""

    exit_code = 1  # what the command exits with after the message (config/exits.py)


class ConfigError(KlipingError):
    """Base of every configuration problem kliping reports."""


class SettingsError(ConfigError):
    """An environment variable holds a value kliping cannot use."""


class OutletConfigError(ConfigError):
    """An outlet registry entry is invalid; the message names file, outlet and field."""

    def __init__(self, path: str, outlet: str | None, field: str | None, reason: str) -> None:
        self.path, self.outlet, self.field, self.reason = path, outlet, field, reason
        where = path
        if outlet:
            where += f": outlet {outlet!r}"
        if field:
            where += f", field {field!r}"
        super().__init__(f"{where}: {reason}")
