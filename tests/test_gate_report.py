"""The gate report for people: each refresh's checks as one self-contained HTML page beside the JSON report."""

import re

from orchestration.refresh_record import gate_report_html


def check(asset: str, name: str, passed: bool, severity: str = "ERROR", **metadata) -> dict:
    return {"asset": asset, "check": name, "passed": passed, "severity": severity, "metadata": metadata}


def report(status: str, checks: list[dict], reasons: list[str] | None = None) -> dict:
    return {"refresh_id": "run-1", "status": status, "started_at": "2025-04-01T02:00:00",
            "finished_at": "2025-04-01T02:03:00", "warehouse": "/data/csdw.duckdb", "rows_per_source": {},
            "checks_passed": sum(c["passed"] for c in checks), "checks_failed": [], "reasons": reasons or [],
            "checks": checks}


PASSED = [
    check("marts/fct_referrals", "great_expectations_suite", True, rows=4643, expectations=10, failed=[], failing_rows=0),
    check("staging/stg_cin__assessments", "not_null_stg_cin__assessments_assessment_id", True, status="pass",
          **{"dagster_dbt/failed_row_count": 0}),
]
BLOCKED = [
    *PASSED,
    check("marts/measure_values", "catalogue_coverage", False, "WARN", measures=49, missing=["cin_at_date"]),
    check("marts/fct_cla_episodes", "great_expectations_suite", False, rows=0, expectations=11, failing_rows=3,
          failed=["expect_column_values_to_be_unique on episode_id: 3 row(s) unexpected"]),
    check("raw/ssda903_episodes", "contract", False, rows_read=400, rows_rejected=41, rules_broken=["code is in list"],
          blocking_faults=[f"episodes.csv row {row}, field LS: value 'ZZ' breaks the rule" for row in range(2, 6)]),
]


def rows(page: str) -> list[list[str]]:
    """The checks table's rows as lists of cell texts."""
    return [re.findall(r"<td[^>]*>(.*?)</td>", row, re.S) for row in re.findall(r'<tr class="check">(.*?)</tr>', page, re.S)]


def test_a_published_refresh_lists_every_check_as_passed():
    page = gate_report_html(report("published", PASSED))

    assert [cells[0] for cells in rows(page)] == ["passed", "passed"]
    assert "The refresh was published." in page


def test_a_blocked_refresh_lists_failures_first_with_severity_table_failing_rows_and_detail():
    page = gate_report_html(report("blocked", BLOCKED, reasons=["step warehouse_models: 2 blocking checks failed"]))

    table = [[cell.strip() for cell in cells] for cells in rows(page)]
    assert [cells[:5] for cells in table] == [
        ["failed", "ERROR", "marts.fct_cla_episodes", "great_expectations_suite", "3"],
        ["failed", "ERROR", "raw.ssda903_episodes", "contract", "41"],
        ["warning", "WARN", "marts.measure_values", "catalogue_coverage", ""],
        ["passed", "ERROR", "marts.fct_referrals", "great_expectations_suite", "0"],
        ["passed", "ERROR", "staging.stg_cin__assessments", "not_null_stg_cin__assessments_assessment_id", "0"],
    ]
    assert table[0][5] == "expect_column_values_to_be_unique on episode_id: 3 row(s) unexpected"
    assert table[1][5].startswith("code is in list; episodes.csv row 2") and table[1][5].endswith("; and 2 more")
    assert "Nothing was published" in page and "2 blocking checks failed" in page
    assert "2 failed (blocking), 1 warnings" in page


def test_the_page_is_self_contained_and_escapes_what_it_quotes():
    page = gate_report_html(report("blocked", [check("raw/cin_details", "contract", False, failed=["<b>x</b>"])]))

    assert "<script" not in page and "http" not in page and "<link" not in page
    assert "&lt;b&gt;x&lt;/b&gt;" in page
