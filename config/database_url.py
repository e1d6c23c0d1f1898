"""DATABASE_URL, checked before anything uses it: a malformed one is a one-line error that never
shows the URL (it may carry a password). libpq's own parse errors quote the whole string, so
they are never passed on."""

from __future__ import annotations

from urllib.parse import urlsplit

from kliping.config.errors import SettingsError

_SCHEMES = ("postgresql", "postgres")
_EXPECTED = "expected postgresql://user:password@host:port/database or key=value settings"


def check_database_url(value: str) -> None:
    """Raise SettingsError (without the value or its parts) unless libpq can use ``value``."""
    from psycopg.conninfo import conninfo_to_dict

    if "://" in value:
        scheme = value.split("://", 1)[0].lower()
        if scheme not in _SCHEMES:
            hint = " (an SQLAlchemy URL? drop the '+driver')" if "+" in scheme else ""
            shown = scheme if scheme.replace("+", "").isalnum() and len(scheme) < 30 else "?"
            raise SettingsError(
                f"DATABASE_URL: scheme {shown!r} is not PostgreSQL{hint}; {_EXPECTED}"
            )
        try:
            parts = urlsplit(value)
            parts.port  # noqa: B018 -- raises ValueError on a port that is not a number
            parts.hostname  # noqa: B018 -- and on a broken [IPv6] host
        except ValueError:
            raise SettingsError(f"DATABASE_URL: malformed host or port; {_EXPECTED}") from None
    try:
        conninfo_to_dict(value)
    except Exception:
        # The message would contain the value: none of it is shown.
        raise SettingsError(f"DATABASE_URL is not a valid connection string; {_EXPECTED}") from None
