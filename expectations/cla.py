"""Children looked after marts: what must hold before their numbers are published."""

from datetime import date, datetime

from expectations.runner import row_count_against_published
from sources.code_lists import codes

EARLIEST_PLAUSIBLE_DATE = datetime(1990, 1, 1)


def fct_cla_episodes_expectations(today: date, published_rows: int | None = None, max_change_percent: float = 25.0) -> list:
    """Keys present and unique, codes from the DfE lists, dates plausible and in order, the table not empty
    (an empty export is the commonest bad extract, and would publish zero children looked after), and its size
    close to the last published refresh's."""
    import great_expectations as gx  # slow to import: only when a check runs

    expect = gx.expectations
    return [
        *row_count_against_published(expect, published_rows, max_change_percent),
        expect.ExpectTableRowCountToBeBetween(min_value=1),
        expect.ExpectColumnValuesToNotBeNull(column="episode_id"),
        expect.ExpectColumnValuesToBeUnique(column="episode_id"),
        expect.ExpectColumnValuesToNotBeNull(column="child_id"),
        expect.ExpectColumnValuesToNotBeNull(column="episode_started_on"),
        expect.ExpectColumnValuesToBeInSet(column="legal_status_code", value_set=sorted(codes("ssda903_legal_status"))),
        expect.ExpectColumnValuesToBeInSet(
            column="reason_new_episode_code", value_set=sorted(codes("ssda903_reason_new_episode"))
        ),
        expect.ExpectColumnValuesToBeInSet(column="placement_type_code", value_set=sorted(codes("ssda903_placement_type"))),
        expect.ExpectColumnValuesToBeBetween(
            column="episode_started_on", min_value=EARLIEST_PLAUSIBLE_DATE, max_value=datetime.combine(today, datetime.min.time())
        ),
        expect.ExpectColumnPairValuesAToBeGreaterThanB(
            column_A="episode_ended_on",
            column_B="episode_started_on",
            or_equal=True,
            ignore_row_if="either_value_is_missing",
        ),
    ]
