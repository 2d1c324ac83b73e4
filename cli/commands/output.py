"""Helpers for printing command results."""

from __future__ import annotations

from typing import Any

import click


def print_json(value: Any) -> None:
    """JSON with Chinese left readable (not \\u-escaped)."""
    import json  # here: only --json output needs it

    click.echo(json.dumps(value, ensure_ascii=False, indent=2, default=str))


def as_dict(value: Any) -> dict[str, Any]:
    """A result row as a dict, whether the library returned a dict or a dataclass."""
    if isinstance(value, dict):
        return value
    from dataclasses import asdict, is_dataclass

    if is_dataclass(value) and not isinstance(value, type):
        return asdict(value)
    return dict(value)


def parse_settings(items: tuple[str, ...]) -> dict[str, str]:
    """`-s NAME=VALUE` options as a dict; anything else is a usage error, not a silent no-op."""
    settings: dict[str, str] = {}
    for item in items:
        name, equals, value = item.partition("=")
        if not equals or not name.strip():
            raise click.BadParameter(f"{item!r} is not NAME=VALUE", param_hint="-s/--set")
        settings[name.strip()] = value
    return settings
