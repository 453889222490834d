"""The gates on marts.measure_values: clean measures pass; each kind of bad measure is caught by its rule."""

import duckdb
import pytest

from orchestration.quality import (
    measure_values_contract,
    measure_values_coverage,
    measure_values_movement,
    measure_values_suite,
)
from orchestration.resources import Warehouse

CATALOGUE = ["cla_at_date", "cla_uasc_at_date", "cla_excl_uasc_at_date", "cla_rate_per_10k", "cp_repeat_pct"]
CLEAN = """
    select * from (values
        ('999', 'cla_at_date',           date '2025-03-31', 'snapshot', 'all', 120.0, null,    120.0, 'count'),
        ('999', 'cla_uasc_at_date',      date '2025-03-31', 'snapshot', 'all', 8.0,   null,    8.0,   'count'),
        ('999', 'cla_excl_uasc_at_date', date '2025-03-31', 'snapshot', 'all', 112.0, null,    112.0, 'count'),
        ('999', 'cla_rate_per_10k',      date '2025-03-31', 'snapshot', 'all', 120.0, 20000.0, 60.0,  'rate_per_10k'),
        ('999', 'cp_repeat_pct',         date '2025-03-31', 'year',     'all', 10.0,  40.0,    25.0,  'percent')
    ) as t(la_code, measure_id, period_end, period_type, breakdown, numerator, denominator, value, unit)
"""


def candidate(tmp_path, measures_sql: str, catalogue=CATALOGUE) -> Warehouse:
    warehouse = Warehouse(published_path=str(tmp_path / "csdw.duckdb"))
    with warehouse.connect(warehouse.candidate) as connection:
        connection.execute("create schema marts")
        connection.execute(f"create table marts.measure_values as {measures_sql}")
        connection.execute("create table marts.measure_catalogue (measure_id varchar)")
        connection.executemany("insert into marts.measure_catalogue values (?)", [[m] for m in catalogue])
    return warehouse


def failures(result) -> list[str]:
    return result.metadata["failed"].value


def test_clean_measures_pass_every_gate(tmp_path):
    warehouse = candidate(tmp_path, CLEAN)

    assert measure_values_suite(warehouse=warehouse).passed
    assert measure_values_contract(warehouse=warehouse).passed
    assert measure_values_coverage(warehouse=warehouse).passed


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ("replace (case when measure_id = 'cp_repeat_pct' then 120.0 else value end as value)",
         "expect_column_values_to_be_between on value"),
        ("replace (case when measure_id = 'cp_repeat_pct' then 50.0 else numerator end as numerator)",
         "expect_column_pair_values_a_to_be_greater_than_b on denominator/numerator"),
        ("replace (case when measure_id = 'cla_rate_per_10k' then 400.0 else value end as value)",
         "expect_column_values_to_be_between on value"),
        ("replace ('cla_at_date' as measure_id)", "expect_compound_columns_to_be_unique"),
    ],
    ids=["percent_over_100", "numerator_over_denominator", "implausible_cla_rate", "duplicate_key"],
)
def test_the_expectation_suite_blocks_each_kind_of_bad_measure(tmp_path, change, expected):
    warehouse = candidate(tmp_path, f"with clean as ({CLEAN}) select * {change} from clean")

    result = measure_values_suite(warehouse=warehouse)

    assert not result.passed
    assert any(failure.startswith(expected) for failure in failures(result))


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ("replace (case when measure_id = 'cla_at_date' then 120.5 else numerator end as numerator)",
         "counts are whole numbers"),
        ("replace (case when measure_id = 'cla_uasc_at_date' then 9.0 else value end as value)",
         "cla_uasc_at_date + cla_excl_uasc_at_date = cla_at_date"),
        ("replace (case when measure_id = 'cp_repeat_pct' then 'cp_repeated_pct' else measure_id end as measure_id)",
         "measure is in the catalogue"),
    ],
    ids=["fractional_count", "uasc_identity", "unknown_measure"],
)
def test_the_contract_blocks_measures_that_do_not_hang_together(tmp_path, change, expected):
    warehouse = candidate(tmp_path, f"with clean as ({CLEAN}) select * {change} from clean")

    result = measure_values_contract(warehouse=warehouse)

    assert not result.passed
    assert any(failure.startswith(expected) for failure in failures(result))


def test_an_average_count_may_be_fractional_and_exceed_its_denominator(tmp_path):
    caseload = ("union all select '999', 'sw_avg_caseload', date '2025-03-31', 'snapshot', 'all', "
                "310.0, 20.5, 15.12, 'count'")
    warehouse = candidate(tmp_path, f"{CLEAN} {caseload}", catalogue=[*CATALOGUE, "sw_avg_caseload"])

    assert measure_values_suite(warehouse=warehouse).passed
    assert measure_values_contract(warehouse=warehouse).passed


def test_a_small_teams_turnover_may_exceed_100_percent_but_other_percents_may_not(tmp_path):
    turnover = ("union all select '999', 'sw_turnover_rate_pct', date '2025-03-31', 'year', 'team=North', "
                "3.0, 2.0, 150.0, 'percent'")
    warehouse = candidate(tmp_path, f"{CLEAN} {turnover}", catalogue=[*CATALOGUE, "sw_turnover_rate_pct"])
    assert measure_values_suite(warehouse=warehouse).passed

    repeat = turnover.replace("sw_turnover_rate_pct", "cp_repeat_pct")
    warehouse = candidate(tmp_path / "repeat", f"{CLEAN} {repeat}", catalogue=[*CATALOGUE, "cp_repeat_pct"])
    assert not measure_values_suite(warehouse=warehouse).passed


def test_a_catalogue_measure_without_values_is_a_warning_naming_it(tmp_path):
    warehouse = candidate(tmp_path, CLEAN, catalogue=[*CATALOGUE, "cin_at_date"])

    result = measure_values_coverage(warehouse=warehouse)

    assert not result.passed
    assert result.severity.value == "WARN"
    assert result.metadata["missing"].value == ["cin_at_date"]


def publish(tmp_path, measures_sql: str) -> None:
    with duckdb.connect(str(tmp_path / "csdw.duckdb")) as connection:
        connection.execute("create schema marts")
        connection.execute(f"create table marts.measure_values as {measures_sql}")


def with_cla_at_date(value: float) -> str:
    """The clean measures with children looked after (numerator and value) at `value`."""
    return (f"with clean as ({CLEAN}) select * replace ("
            f"case when measure_id = 'cla_at_date' then {value} else numerator end as numerator, "
            f"case when measure_id = 'cla_at_date' then {value} else value end as value) from clean")


def test_the_first_publish_has_no_movement_to_check(tmp_path):
    result = measure_values_movement(warehouse=candidate(tmp_path, CLEAN))

    assert result.passed
    assert result.metadata["compared"].value == 0


def test_measures_as_published_last_night_pass_the_movement_check(tmp_path):
    publish(tmp_path, CLEAN)

    result = measure_values_movement(warehouse=candidate(tmp_path, CLEAN))

    assert result.passed
    assert result.metadata["compared"].value == 5


@pytest.mark.parametrize(
    ("published", "tonight", "severity"),
    [(120.0, 240.0, "WARN"), (120.0, 50.0, "WARN"), (120.0, 480.0, "ERROR"), (120.0, 30.0, "ERROR"),
     (0.0, 120.0, "ERROR")],
    ids=["doubled_warns", "more_than_halved_warns", "quadrupled_blocks", "quartered_blocks", "from_zero_blocks"],
)
def test_a_measure_moving_beyond_a_factor_warns_or_blocks_naming_it(tmp_path, published, tonight, severity):
    publish(tmp_path, with_cla_at_date(published))

    result = measure_values_movement(warehouse=candidate(tmp_path, with_cla_at_date(tonight)))

    assert not result.passed
    assert result.severity.value == severity
    assert [failure.split(":")[0] for failure in failures(result)] == ["999 cla_at_date all snapshot 2025-03-31"]
    assert str(tonight) not in failures(result)[0], "the check names the movement, not the values"


def test_a_small_count_may_move_by_any_factor(tmp_path):
    """From 2 children to 5 is a factor of 2.5, and no alarm."""
    publish(tmp_path, with_cla_at_date(2.0))

    assert measure_values_movement(warehouse=candidate(tmp_path, with_cla_at_date(5.0))).passed


def test_movement_is_measured_at_the_latest_period_both_refreshes_hold(tmp_path):
    """Tonight adds a month end the published warehouse does not have: last month's value is compared instead."""
    publish(tmp_path, with_cla_at_date(30.0))
    next_month = (f"{with_cla_at_date(120.0)} union all select * replace (date '2025-04-30' as period_end) "
                  f"from ({CLEAN})")

    result = measure_values_movement(warehouse=candidate(tmp_path, next_month))

    assert not result.passed
    assert [failure.split(":")[0] for failure in failures(result)] == ["999 cla_at_date all snapshot 2025-03-31"]
