"""NEET marts (CCIS): what must hold before the NEET and not-known figures are published.

The function takes the date the extracts describe (no event in them can be later) and returns the suite."""

from datetime import date

from expectations.runner import dates_plausible, in_code_list, keys_present_and_unique, not_before

# MEASURES.md: the cohort is young people of academic age 16 and 17.
COHORT_ACADEMIC_AGES = (16, 17)


def fct_neet_monthly_expectations(latest: date) -> list:
    """Young people per month end, the base of the NEET measures: one row per young person and month end, activity
    and SEND codes from the CCIS lists, snapshot dates plausible with no activity starting after its snapshot, and
    only academic ages 16-17 in the cohort."""
    import great_expectations as gx  # slow to import: only when a check runs
    from great_expectations.expectations.row_conditions import Column

    expect = gx.expectations
    return [
        *keys_present_and_unique(expect, "activity_snapshot_id"),
        *keys_present_and_unique(expect, "la_code", "young_person_id", "snapshot_date"),
        expect.ExpectColumnValuesToNotBeNull(column="activity_code"),
        in_code_list(expect, "activity_code", "nccis_activity"),
        in_code_list(expect, "send_code", "nccis_send"),
        *dates_plausible(expect, latest, "snapshot_date"),
        expect.ExpectColumnValuesToBeBetween(
            column="academic_age", min_value=COHORT_ACADEMIC_AGES[0], max_value=COHORT_ACADEMIC_AGES[1],
            row_condition=Column("is_in_cohort") == True,
        ),
        not_before(expect, "snapshot_date", "activity_start_date"),
    ]
