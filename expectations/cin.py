"""CIN census marts (children in need and child protection): what must hold before their numbers are published.

Each function takes the date the extracts describe (no event in them can be later) and returns the suite."""

from datetime import date

from expectations.runner import dates_plausible, flagged_within, in_code_list, keys_present_and_unique, not_before

# MEASURES.md time limits: an assessment within 45 working days, an initial conference within 15.
ASSESSMENT_WORKING_DAYS = 45
INITIAL_CPC_WORKING_DAYS = 15


def fct_referrals_expectations(latest: date) -> list:
    """Referrals, the front door's figures and the base of `cin_at_date`: keys present and unique, dates plausible
    and a closure never before its referral, source, need and closure reason from the DfE lists."""
    import great_expectations as gx  # slow to import: only when a check runs

    expect = gx.expectations
    return [
        *keys_present_and_unique(expect, "referral_id"),
        expect.ExpectColumnValuesToNotBeNull(column="child_id"),
        *dates_plausible(expect, latest, "referral_date", "closure_date"),
        not_before(expect, "closure_date", "referral_date"),
        in_code_list(expect, "referral_source_code", "cin_referral_source"),
        in_code_list(expect, "primary_need_code", "cin_primary_need"),
        in_code_list(expect, "reason_for_closure_code", "cin_reason_for_closure"),
    ]


def fct_assessments_expectations(latest: date) -> list:
    """Assessments, the base of `assessments_45wd_pct`: keys present and unique, each on a referral, dates plausible
    and in order, and an assessment flagged within 45 working days taking no more than 45."""
    import great_expectations as gx

    expect = gx.expectations
    return [
        *keys_present_and_unique(expect, "assessment_id"),
        expect.ExpectColumnValuesToNotBeNull(column="referral_id"),
        expect.ExpectColumnValuesToNotBeNull(column="child_id"),
        *dates_plausible(expect, latest, "assessment_start_date", "assessment_authorisation_date"),
        not_before(expect, "assessment_authorisation_date", "assessment_start_date"),
        *flagged_within(expect, "working_days_to_authorisation", ASSESSMENT_WORKING_DAYS, "is_within_45_working_days"),
    ]


def fct_s47_enquiries_expectations(latest: date) -> list:
    """Section 47 enquiries and their initial conferences, the base of `s47_enquiries`, `icpcs` and
    `icpc_15wd_pct`: keys present and unique, dates plausible and in order, and a conference flagged within 15
    working days taking no more than 15. The conference's target date may lie ahead, so it is not bounded."""
    import great_expectations as gx

    expect = gx.expectations
    return [
        *keys_present_and_unique(expect, "s47_enquiry_id"),
        expect.ExpectColumnValuesToNotBeNull(column="referral_id"),
        expect.ExpectColumnValuesToNotBeNull(column="child_id"),
        *dates_plausible(expect, latest, "s47_start_date", "initial_cpc_date"),
        not_before(expect, "initial_cpc_date", "s47_start_date"),
        *flagged_within(expect, "working_days_to_initial_cpc", INITIAL_CPC_WORKING_DAYS,
                        "is_initial_cpc_within_15_working_days"),
    ]


def fct_cin_plans_expectations(latest: date) -> list:
    """CIN plans, the base of `cin_plans_at_date`: keys present and unique, dates plausible and in order."""
    import great_expectations as gx

    expect = gx.expectations
    return [
        *keys_present_and_unique(expect, "cin_plan_id"),
        expect.ExpectColumnValuesToNotBeNull(column="referral_id"),
        expect.ExpectColumnValuesToNotBeNull(column="child_id"),
        *dates_plausible(expect, latest, "plan_start_date", "plan_end_date"),
        not_before(expect, "plan_end_date", "plan_start_date"),
    ]


def fct_cp_plans_expectations(latest: date) -> list:
    """Child protection plans, the base of every CP measure: keys present and unique, dates plausible and in
    order, categories of abuse from the DfE list, and a child's second or later plan always a repeat plan."""
    import great_expectations as gx
    from great_expectations.expectations.row_conditions import Column

    expect = gx.expectations
    return [
        *keys_present_and_unique(expect, "cp_plan_id"),
        expect.ExpectColumnValuesToNotBeNull(column="referral_id"),
        expect.ExpectColumnValuesToNotBeNull(column="child_id"),
        *dates_plausible(expect, latest, "plan_start_date", "plan_end_date"),
        not_before(expect, "plan_end_date", "plan_start_date"),
        in_code_list(expect, "initial_category_of_abuse_code", "cin_category_of_abuse"),
        in_code_list(expect, "latest_category_of_abuse_code", "cin_category_of_abuse"),
        expect.ExpectColumnValuesToBeBetween(column="plan_number", min_value=1),
        expect.ExpectColumnValuesToBeBetween(column="previous_cp_plans", min_value=0),
        expect.ExpectColumnValuesToBeInSet(
            column="is_repeat_plan", value_set=[True], row_condition=Column("plan_number") > 1
        ),
    ]
