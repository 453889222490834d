"""The value rules every family's contract shares: dates in the DfE or ISO form, postcodes cut to their sector."""

import pandas as pd
import pytest

from sources import contracts
from sources.contracts import parse_dates, postcode_sectors


def test_dates_parse_in_the_dfe_or_iso_form_and_anything_else_is_missing():
    parsed = parse_dates(pd.Series(["01/02/2024", "2024-02-03", "31/02/2024", "2024/02/01", None], dtype="str"))

    assert parsed.tolist()[:2] == [pd.Timestamp("2024-02-01"), pd.Timestamp("2024-02-03")]
    assert parsed[2:].isna().all()


def test_a_date_read_again_parses_as_it_did_the_first_time_even_once_the_memo_started_again(monkeypatch):
    monkeypatch.setattr(contracts, "_parsed_dates", contracts._parsed_dates.iloc[:0])
    monkeypatch.setattr(contracts, "MAX_PARSED_DATES", 3)
    earlier = pd.Series(["05/06/2020", "not a date", "2020-06-07", "05/06/2020"], dtype="str", index=[7, 8, 9, 10])
    later = pd.Series(["01/01/2021", "02/01/2021"], dtype="str")
    first = parse_dates(earlier)

    assert parse_dates(earlier).equals(first)
    parse_dates(later)
    assert len(contracts._parsed_dates) == 5
    parse_dates(later.str.replace("2021", "2022"))
    assert len(contracts._parsed_dates) == 2, "past its bound, the memo starts again"
    again = parse_dates(earlier)
    assert again.equals(first) and again.index.tolist() == [7, 8, 9, 10]


@pytest.mark.parametrize(
    ("postcode", "sector"),
    [("zz99 3cz", "ZZ99 3"), ("ZZ993CZ", "ZZ99 3"), ("ZZ99\xa03CZ", "ZZ99 3"), (" ZZ99 3CZ\n", "ZZ99 3"),
     ("ZZ99", "ZZ99"), ("ZZ99 3C", None), ("not a postcode", None), (None, None)],
)
def test_a_postcode_is_cut_to_its_sector_whatever_its_spacing_or_case(postcode, sector):
    [cut] = postcode_sectors(pd.Series([postcode], dtype="str"))

    assert cut == sector if sector else pd.isna(cut)
