"""The benchmark suite's pure helpers (bench/stats.py): what its table and result file say must be right."""

import json
from pathlib import Path

import pytest

from bench.stats import Row, latency_summary, median_of_runs, percentile, ratio, result_document, result_write, table


def test_percentiles_are_nearest_rank_latencies_someone_waited() -> None:
    latencies = [float(n) for n in range(1, 201)]  # 1..200
    assert percentile(latencies, 0.5) == 100.0
    assert percentile(latencies, 0.99) == 198.0
    assert percentile(reversed(latencies), 1.0) == 200.0
    assert percentile([7.0], 0.99) == 7.0
    assert percentile([], 0.5) == 0.0
    with pytest.raises(ValueError):
        percentile(latencies, 99)


def test_latency_summary_reports_requests_per_second_and_milliseconds() -> None:
    summary = latency_summary([0.010] * 99 + [0.500], elapsed=2.0, errors=3)
    assert summary["rps"] == 50.0
    assert summary["p50_ms"] == pytest.approx(10.0)
    assert summary["p99_ms"] == pytest.approx(10.0)  # the 99th of 100 is still a fast one
    assert summary["errors"] == 3
    assert latency_summary([], elapsed=0.0)["rps"] == 0.0


def test_the_median_of_runs_resists_one_slow_run() -> None:
    runs = [
        {"list.rps": 100.0, "list.statuses": "a", "flash.sold": 100},
        {"list.rps": 10.0, "list.statuses": "b", "flash.sold": 100},
        {"list.rps": 110.0, "list.statuses": "c", "flash.sold": 100, "only.once": 5},
    ]
    merged = median_of_runs(runs)
    assert merged["list.rps"] == 100.0
    assert merged["flash.sold"] == 100
    assert merged["list.statuses"] == "c"  # not a number: the last run's
    assert merged["only.once"] == 5


def test_ratios_need_a_positive_ceiling() -> None:
    assert ratio(25.0, 100.0) == 0.25
    assert ratio(25.0, 0.0) is None
    assert ratio(None, 100.0) is None


def test_the_table_shows_each_ratio_against_its_target() -> None:
    rows = [
        Row("ceiling: trivial JSON view", 4000.0, "req/s"),
        Row("product list page 1", 1800.0, "req/s", "trivial", 0.45, 0.50, 12.0, 80.0),
        Row("product detail (KZT)", 2000.0, "req/s", "trivial", 0.5, 0.40, 9.0, 40.5, "p99 ok"),
    ]
    text = table(rows).splitlines()
    assert text[0].split()[:3] == ["figure", "value", "unit"]
    list_line = next(line for line in text if line.startswith("product list"))
    assert "45.0%" in list_line and ">= 50%" in list_line and "BELOW" in list_line
    detail_line = next(line for line in text if line.startswith("product detail"))
    assert "50.0%" in detail_line and " ok " in detail_line and detail_line.endswith("p99 ok")
    assert "4,000" in text[2]


def test_the_result_file_holds_the_table_and_every_run(tmp_path: Path) -> None:
    rows = [Row("flash sale: hot SKU", 300.0, "orders/s", "pgbench", 0.27, 0.25, 400.0, 1500.0, "oversold 0")]
    document = result_document(
        rows, parameters={"runs": 3}, runs={"per_run": [{"flash.orders_per_s": 300.0}]}, extra={"once": {"memory": [1]}}
    )
    path = result_write(document, tmp_path / "results")
    second = result_write(document, tmp_path / "results")
    assert path != second  # two results in the same second never overwrite each other
    saved = json.loads(path.read_text())
    assert saved["table"][0] == {
        "figure": "flash sale: hot SKU",
        "value": 300.0,
        "unit": "orders/s",
        "p50_ms": 400.0,
        "p99_ms": 1500.0,
        "ceiling": "pgbench",
        "ratio": 0.27,
        "target": 0.25,
        "verdict": "ok",
        "note": "oversold 0",
    }
    assert saved["parameters"] == {"runs": 3}
    assert saved["runs"]["per_run"] == [{"flash.orders_per_s": 300.0}]
    assert saved["once"] == {"memory": [1]}
    assert saved["machine"]["cpus"] >= 1
