"""Children looked after and care leaver marts: what must hold before their numbers are published.

Each function takes the date the extracts describe (no event in them can be later) and returns the suite."""

from datetime import date

from expectations.runner import (
    EARLIEST_PLAUSIBLE_DATE,
    dates_plausible,
    in_code_list,
    keys_present_and_unique,
    not_before,
)
from sources.code_lists import codes

# MEASURES.md: the activities that count as education, employment or training.
EET_ACTIVITIES = ["F1", "P1", "F2", "P2", "F4", "P4", "F5", "P5"]
# A care leaver's OC3 record is about their 17th to 21st birthday; another age is a wrong date of birth or year.
CARE_LEAVER_AGES = (17, 21)


def fct_cla_episodes_expectations(latest: date) -> list:
    """Keys present and unique, codes from the DfE lists, dates plausible and in order, and the table not empty:
    an empty export is the commonest bad extract, and would publish zero children looked after."""
    import great_expectations as gx  # slow to import: only when a check runs

    expect = gx.expectations
    return [
        expect.ExpectTableRowCountToBeBetween(min_value=1),
        *keys_present_and_unique(expect, "episode_id"),
        expect.ExpectColumnValuesToNotBeNull(column="child_id"),
        expect.ExpectColumnValuesToNotBeNull(column="episode_started_on"),
        in_code_list(expect, "legal_status_code", "ssda903_legal_status"),
        in_code_list(expect, "reason_new_episode_code", "ssda903_reason_new_episode"),
        in_code_list(expect, "placement_type_code", "ssda903_placement_type"),
        *dates_plausible(expect, latest, "episode_started_on"),
        not_before(expect, "episode_ended_on", "episode_started_on"),
    ]


def fct_cla_periods_expectations(latest: date) -> list:
    """Periods of care, the base of starts, ceased and stability: keys present and unique, dates plausible and in
    order, each period made of at least one episode and ended for a DfE reason."""
    import great_expectations as gx

    expect = gx.expectations
    return [
        *keys_present_and_unique(expect, "period_id"),
        expect.ExpectColumnValuesToNotBeNull(column="child_id"),
        *dates_plausible(expect, latest, "period_started_on", "period_ended_on"),
        not_before(expect, "period_ended_on", "period_started_on"),
        expect.ExpectColumnValuesToBeBetween(column="episode_count", min_value=1),
        in_code_list(expect, "reason_period_ceased_code", "ssda903_reason_episode_ceased"),
    ]


def fct_placements_expectations(latest: date) -> list:
    """Placements with one carer, the base of placement stability: keys present and unique, each in a period of
    care, dates plausible and in order, codes from the DfE lists, at least one episode each."""
    import great_expectations as gx

    expect = gx.expectations
    return [
        *keys_present_and_unique(expect, "placement_id"),
        expect.ExpectColumnValuesToNotBeNull(column="period_id"),
        expect.ExpectColumnValuesToNotBeNull(column="child_id"),
        *dates_plausible(expect, latest, "placement_started_on", "placement_ended_on"),
        not_before(expect, "placement_ended_on", "placement_started_on"),
        in_code_list(expect, "reason_new_episode_code", "ssda903_reason_new_episode"),
        in_code_list(expect, "placement_type_code", "ssda903_placement_type"),
        in_code_list(expect, "placement_provider_code", "ssda903_placement_provider"),
        in_code_list(expect, "reason_placement_ceased_code", "ssda903_reason_episode_ceased"),
        expect.ExpectColumnValuesToBeBetween(column="episode_count", min_value=1),
    ]


def fct_care_leaver_outcomes_expectations(latest: date) -> list:
    """Care leavers' OC3 records: keys present and unique, contact, activity and accommodation codes from the DfE
    lists, and each flag set only for the codes it stands for, since the percentages count the flags. An age
    outside 17-21 is a warning: DfE queries it, and the measures count only the ages they name."""
    import great_expectations as gx
    from great_expectations.expectations.row_conditions import Column

    expect = gx.expectations
    return [
        *keys_present_and_unique(expect, "care_leaver_outcome_id"),
        expect.ExpectColumnValuesToNotBeNull(column="child_id"),
        in_code_list(expect, "in_touch_code", "ssda903_oc3_in_touch"),
        in_code_list(expect, "activity_code", "ssda903_oc3_activity"),
        in_code_list(expect, "accommodation_code", "ssda903_oc3_accommodation"),
        expect.ExpectColumnValuesToBeInSet(
            column="in_touch_code", value_set=["YES"], row_condition=Column("is_in_touch") == True
        ),
        expect.ExpectColumnValuesToBeInSet(
            column="activity_code", value_set=EET_ACTIVITIES,
            row_condition=Column("is_in_education_employment_training") == True,
        ),
        expect.ExpectColumnValuesToBeInSet(
            column="accommodation_code",
            value_set=sorted(code for code in codes("ssda903_oc3_accommodation") if code.endswith("1")),
            row_condition=Column("is_suitable_accommodation") == True,
        ),
        # Only a lower bound: a return for the year in progress holds birthdays still to come.
        expect.ExpectColumnValuesToBeBetween(column="birthday_on", min_value=EARLIEST_PLAUSIBLE_DATE),
        expect.ExpectColumnValuesToBeBetween(
            column="age_on_birthday", min_value=CARE_LEAVER_AGES[0], max_value=CARE_LEAVER_AGES[1], severity="warning"
        ),
    ]
