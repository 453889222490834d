"""SEND marts (SEN2): what must hold before the EHCP figures are published.

The function takes the date the extracts describe (no event in them can be later) and returns the suite."""

from datetime import date

from expectations.runner import dates_plausible, flagged_within, in_code_list, keys_present_and_unique, not_before

# MEASURES.md: a plan issued within 20 weeks of the request.
TWENTY_WEEKS_IN_DAYS = 140


def fct_ehcp_requests_expectations(latest: date) -> list:
    """Requests for an EHC needs assessment, the base of every SEND measure: keys present and unique, dates
    plausible, every decision and plan on or after its request and a plan ceasing after it started, cease reasons
    from the SEN2 list, and a plan flagged within 20 weeks issued within 140 days."""
    import great_expectations as gx  # slow to import: only when a check runs

    expect = gx.expectations
    return [
        *keys_present_and_unique(expect, "request_id"),
        expect.ExpectColumnValuesToNotBeNull(column="person_id"),
        expect.ExpectColumnValuesToBeInSet(column="sex", value_set=["male", "female", "unknown"]),
        *dates_plausible(expect, latest, "received_date", "request_outcome_date", "assessment_outcome_date",
                         "plan_started_on", "plan_ceased_on"),
        not_before(expect, "request_outcome_date", "received_date"),
        not_before(expect, "assessment_outcome_date", "received_date"),
        not_before(expect, "plan_started_on", "received_date"),
        not_before(expect, "plan_ceased_on", "plan_started_on"),
        in_code_list(expect, "cease_reason_code", "sen2_cease_reason"),
        *flagged_within(expect, "days_to_plan", TWENTY_WEEKS_IN_DAYS, "is_plan_within_20_weeks"),
    ]
