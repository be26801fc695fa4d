"""Sizes and durations as Vietnamese text: "0,6 giây", "1,2 MB", "12 KB" (decimal comma)."""

from __future__ import annotations

from kcdesk.formatting.money import format_money


def _decimal(value: float, digits: int = 1) -> str:
    return f"{value:.{digits}f}".replace(".", ",")


def format_size(n_bytes: int) -> str:
    """A file or archive size: KB below one megabyte (never "0.0 MB")."""
    if n_bytes >= 1_048_576:
        return f"{_decimal(n_bytes / 1_048_576)} MB"
    return f"{format_money(max(1, n_bytes // 1024))} KB"


def format_seconds(seconds: float) -> str:
    """A duration: "0,6 giây", "12 giây", "2 phút 05 giây"."""
    if seconds < 10:
        return f"{_decimal(seconds)} giây"
    if seconds < 60:
        return f"{round(seconds)} giây"
    minutes, rest = divmod(round(seconds), 60)
    return f"{minutes} phút {rest:02d} giây"
