"""Code lists shared by the extract contracts and the dbt staging models.

The lists live in one place, the dbt seed `dbt_project/seeds/code_lists.csv`, so that what the contract
accepts and what staging can decode never drift apart. A code may be valid only from or to a collection year
(written `2024-25`): the DfE changes lists between years (SSDA903 SEX and PLACE, for example).
"""

import csv
from functools import cache
from pathlib import Path

CODE_LISTS_CSV = Path(__file__).resolve().parents[1] / "dbt_project" / "seeds" / "code_lists.csv"


@cache
def _all_code_lists() -> dict[str, tuple[tuple[str, str, str], ...]]:
    lists: dict[str, list[tuple[str, str, str]]] = {}
    with CODE_LISTS_CSV.open(newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            lists.setdefault(row["list_name"], []).append((row["code"], row["valid_from"], row["valid_to"]))
    return {name: tuple(entries) for name, entries in lists.items()}


@cache
def codes(list_name: str, collection_year: str | None = None) -> frozenset[str]:
    """The valid codes of one list, e.g. `codes("ssda903_placement_type", "2024-25")`; without a collection
    year, every code the list has ever had."""
    try:
        entries = _all_code_lists()[list_name]
    except KeyError:
        raise KeyError(f"no code list named {list_name!r} in {CODE_LISTS_CSV}") from None
    return frozenset(
        code
        for code, valid_from, valid_to in entries
        if collection_year is None
        or ((not valid_from or valid_from <= collection_year) and (not valid_to or collection_year <= valid_to))
    )
