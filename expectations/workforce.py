"""Social work workforce marts: what must hold before the workforce figures are published.

The function takes the date the extracts describe (no month end in them can be later) and returns the suite."""

from datetime import date

from expectations.runner import dates_plausible, keys_present_and_unique

FTE_COLUMNS = ("permanent_fte", "agency_fte", "funded_fte", "vacant_fte", "permanent_leaver_fte_12m")


def fct_workforce_monthly_expectations(latest: date) -> list:
    """Teams per month end, the base of the workforce measures: one row per team and month end, month ends
    plausible, no negative FTE or caseload, and vacant FTE within funded FTE (the vacancy rate's numerator within
    its denominator)."""
    import great_expectations as gx  # slow to import: only when a check runs

    expect = gx.expectations
    return [
        *keys_present_and_unique(expect, "la_code", "team_name", "period_end"),
        *dates_plausible(expect, latest, "period_end"),
        *(expect.ExpectColumnValuesToBeBetween(column=column, min_value=0)
          for column in (*FTE_COLUMNS, "cases_held", "case_holding_fte")),
        expect.ExpectColumnPairValuesAToBeGreaterThanB(
            column_A="funded_fte", column_B="vacant_fte", or_equal=True, ignore_row_if="either_value_is_missing"
        ),
    ]
