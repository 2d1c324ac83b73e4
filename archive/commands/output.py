"""Helpers for printing command results."""

from __future__ import annotations

import json
from dataclasses import asdict, is_dataclass
from typing import Any

import click


def print_json(value: Any) -> None:
    """JSON with Chinese left readable (not \\u-escaped)."""
    click.echo(json.dumps(value, ensure_ascii=False, indent=2, default=str))


def as_dict(value: Any) -> dict[str, Any]:
    """A result row as a dict, whether the library returned a dict or a dataclass."""
    if isinstance(value, dict):
        return value
    if is_dataclass(value) and not isinstance(value, type):
        return asdict(value)
    return dict(value)
