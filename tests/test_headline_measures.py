"""Five headline measures computed straight from the generator's files with pandas, independently of dbt, must
agree exactly with what the warehouse publishes for 31 March 2025.

The independent reading uses the collection year that holds the period end (2024-25 for 31 March 2025), so it
needs neither the warehouse's latest-year-wins merge nor its models."""

from datetime import date

import duckdb
import pandas as pd
import pytest
from lxml import etree

from orchestration.cli import EXIT_PUBLISHED
from tests.conftest import SMALL_LA_CODE, SMALL_LA_PERIOD_END

PERIOD_END = SMALL_LA_PERIOD_END
YEAR_START = date(2024, 4, 1)


@pytest.fixture(scope="module")
def landing(small_la_refresh):
    return small_la_refresh.landing


@pytest.fixture(scope="module")
def published(small_la_refresh):
    assert small_la_refresh.exit_code == EXIT_PUBLISHED, small_la_refresh.printed
    with duckdb.connect(str(small_la_refresh.warehouse), read_only=True) as connection:
        return connection.execute(
            "select measure_id, numerator, denominator, value from marts.measure_values "
            "where breakdown = 'all' and la_code = ? and period_end = ?",
            [SMALL_LA_CODE, PERIOD_END],
        ).df().set_index("measure_id")


def dmy(values: pd.Series) -> pd.Series:
    return pd.to_datetime(values, format="%d/%m/%Y")


def cin_rows(landing, element: str, fields: list[str]) -> pd.DataFrame:
    """Every `element` of the 2024-25 CIN census with its child id and the listed child fields (ISO dates)."""
    tree = etree.parse(str(landing / "cin" / "cin_census_2024-25.xml"))
    rows = []
    for node in tree.iter(element):
        child = next(ancestor for ancestor in node.iterancestors() if ancestor.tag == "Child")
        row = {"child": child.findtext("ChildIdentifiers/LAchildID")}
        row.update({name: node.findtext(name) for name in fields})
        rows.append(row)
    frame = pd.DataFrame(rows)
    for name in fields:
        if name.endswith("Date"):
            frame[name] = pd.to_datetime(frame[name], format="%Y-%m-%d")
    return frame


def open_at(frame: pd.DataFrame, start: str, end: str, day: date) -> pd.Series:
    day = pd.Timestamp(day)
    return (frame[start] <= day) & (frame[end].isna() | (frame[end] > day))


def test_children_looked_after_at_31_march(landing, published):
    episodes = pd.read_csv(landing / "ssda903" / "ssda903_2024-25_episodes.csv", dtype=str)
    episodes["DECOM"], episodes["DEC"] = dmy(episodes["DECOM"]), dmy(episodes["DEC"])
    looked_after = episodes[open_at(episodes, "DECOM", "DEC", PERIOD_END) & ~episodes["LS"].isin(["V3", "V4"])]

    assert published.loc["cla_at_date", "value"] == looked_after["CHILD"].nunique()


def test_children_in_need_at_31_march(landing, published):
    details = cin_rows(landing, "CINdetails", ["CINreferralDate", "CINclosureDate"])

    expected = details[open_at(details, "CINreferralDate", "CINclosureDate", PERIOD_END)]["child"].nunique()

    assert published.loc["cin_at_date", "value"] == expected


def test_children_on_a_child_protection_plan_at_31_march(landing, published):
    plans = cin_rows(landing, "ChildProtectionPlans", ["CPPstartDate", "CPPendDate"])

    expected = plans[open_at(plans, "CPPstartDate", "CPPendDate", PERIOD_END)]["child"].nunique()

    assert published.loc["cp_at_date", "value"] == expected


def test_referrals_in_the_year_to_31_march(landing, published):
    details = cin_rows(landing, "CINdetails", ["CINreferralDate"])

    in_year = details["CINreferralDate"].between(pd.Timestamp(YEAR_START), pd.Timestamp(PERIOD_END))

    assert published.loc["referrals", "value"] == in_year.sum()


def test_neet_or_not_known_16_17_at_the_march_month_end(landing, published):
    ccis = pd.read_csv(landing / "nccis" / "ccis_2025-03.csv", dtype=str)
    born = dmy(ccis["DOB"])
    # Academic age: age on the 31 August before the academic year (which starts 1 September 2024).
    academic_age = 2024 - born.dt.year - (born.dt.month > 8).astype(int)
    activity = ccis["ACTIVITY"].astype(int)
    cohort = ccis[academic_age.between(16, 17) & (activity != 710)]
    cohort_activity = cohort["ACTIVITY"].astype(int)
    neet_or_not_known = cohort_activity.eq(540) | cohort_activity.between(610, 680) | cohort_activity.isin([810, 820, 830])

    row = published.loc["neet_nk_16_17_pct"]
    assert (row.numerator, row.denominator) == (neet_or_not_known.sum(), len(cohort))
