"""The suite's pure helpers: percentiles, medians of runs, ratios to ceilings, the table, the result file.

No Django, no I/O but the result file: unit-tested (core/tests/test_bench_stats.py).
"""

from __future__ import annotations

import json
import math
import platform
import statistics
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any


def percentile(values: Iterable[float], share: float) -> float:
    """The nearest-rank percentile (``share`` in 0..1) of ``values``; 0.0 when there are none.

    Nearest rank, not interpolation: p99 of 200 latencies is the 198th, a latency someone waited.
    """
    ordered = sorted(values)
    if not ordered:
        return 0.0
    if not 0 <= share <= 1:
        raise ValueError(f"share must be within 0..1, not {share}")
    rank = max(1, math.ceil(share * len(ordered)))
    return ordered[rank - 1]


def latency_summary(latencies: Sequence[float], *, elapsed: float, errors: int = 0) -> dict[str, float]:
    """Requests/s over ``elapsed`` seconds and p50/p99 in milliseconds of ``latencies`` (seconds)."""
    return {
        "requests": len(latencies),
        "errors": errors,
        "seconds": elapsed,
        "rps": len(latencies) / elapsed if elapsed > 0 else 0.0,
        "p50_ms": percentile(latencies, 0.50) * 1000,
        "p99_ms": percentile(latencies, 0.99) * 1000,
    }


def median_of_runs(runs: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """Per key, the median of the runs' numbers (non-numbers: the last run's value).

    Keys missing from some runs are medians of the runs that have them. Medians, not means: one
    run slowed by a neighbour on the shared machine moves the median least.
    """
    merged: dict[str, Any] = {}
    keys: list[str] = []
    for run in runs:
        keys.extend(key for key in run if key not in keys)
    for key in keys:
        values = [run[key] for run in runs if key in run]
        numbers = [value for value in values if isinstance(value, int | float) and not isinstance(value, bool)]
        merged[key] = statistics.median(numbers) if numbers and len(numbers) == len(values) else values[-1]
    return merged


def ratio(value: float | None, ceiling: float | None) -> float | None:
    """``value`` as a share of ``ceiling``; None when either is missing or the ceiling is not positive."""
    if value is None or ceiling is None or ceiling <= 0:
        return None
    return value / ceiling


@dataclass(frozen=True)
class Row:
    """One line of the table: a figure, its latencies, its ceiling and the issue's target for the ratio."""

    name: str
    value: float | None
    unit: str
    ceiling: str = ""  # the ceiling's name ("" when the figure has none)
    ratio: float | None = None
    target: float | None = None  # the ratio the issue asks for, if any
    p50_ms: float | None = None
    p99_ms: float | None = None
    note: str = ""

    @property
    def verdict(self) -> str:
        if self.target is None or self.ratio is None:
            return ""
        return "ok" if self.ratio >= self.target else "BELOW"


def _number(value: float | None, places: int = 1) -> str:
    if value is None:
        return "-"
    if abs(value) >= 1000:
        return f"{value:,.0f}"
    return f"{value:.{places}f}"


def table(rows: Sequence[Row]) -> str:
    """The rows as a fixed-width text table (what `make bench` prints)."""
    header = ("figure", "value", "unit", "p50 ms", "p99 ms", "ratio", "of ceiling", "target", "", "note")
    lines = [
        (
            row.name,
            _number(row.value),
            row.unit,
            _number(row.p50_ms),
            _number(row.p99_ms),
            "-" if row.ratio is None else f"{row.ratio:.1%}",
            row.ceiling or "-",
            "-" if row.target is None else f">= {row.target:.0%}",
            row.verdict,
            row.note,
        )
        for row in rows
    ]
    widths = [max(len(str(cells[i])) for cells in [header, *lines]) for i in range(len(header))]
    right = {1, 3, 4, 5}

    def render(cells: Sequence[str]) -> str:
        parts = [cell.rjust(widths[i]) if i in right else cell.ljust(widths[i]) for i, cell in enumerate(cells)]
        return "  ".join(parts).rstrip()

    rule = "  ".join("-" * width for width in widths).rstrip()
    return "\n".join([render(header), rule, *(render(line) for line in lines)])


def result_document(
    rows: Sequence[Row], *, parameters: Mapping[str, Any], runs: Mapping[str, Any], extra: Mapping[str, Any]
) -> dict[str, Any]:
    """Everything a later reader needs: when, where, with what parameters, each run and the medians."""
    return {
        "version": 1,
        "finished_at": datetime.now(tz=UTC).isoformat(timespec="seconds"),
        "machine": {"python": platform.python_version(), "platform": platform.platform(), "cpus": _cpus()},
        "parameters": dict(parameters),
        "table": [
            {
                "figure": row.name,
                "value": row.value,
                "unit": row.unit,
                "p50_ms": row.p50_ms,
                "p99_ms": row.p99_ms,
                "ceiling": row.ceiling or None,
                "ratio": row.ratio,
                "target": row.target,
                "verdict": row.verdict or None,
                "note": row.note or None,
            }
            for row in rows
        ],
        "runs": dict(runs),
        **dict(extra),
    }


def result_write(document: Mapping[str, Any], folder: Path) -> Path:
    """Write the document as ``bench-<UTC time>.json`` in ``folder`` (created); returns the path."""
    folder.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(tz=UTC).strftime("%Y%m%dT%H%M%SZ")
    path = folder / f"bench-{stamp}.json"
    number = 1
    while path.exists():
        number += 1
        path = folder / f"bench-{stamp}-{number}.json"
    path.write_text(json.dumps(document, indent=2, ensure_ascii=False, default=str) + "\n", encoding="utf-8")
    return path


def _cpus() -> int:
    import os

    return os.cpu_count() or 0
