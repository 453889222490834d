"""Code lists shared by the extract contracts and the dbt staging models.

The lists live in one place, the dbt seed `dbt_project/seeds/code_lists.csv`, so that what the contract
accepts and what staging can decode never drift apart.
"""

import csv
from functools import cache
from pathlib import Path

CODE_LISTS_CSV = Path(__file__).resolve().parents[1] / "dbt_project" / "seeds" / "code_lists.csv"


@cache
def _all_code_lists() -> dict[str, frozenset[str]]:
    lists: dict[str, set[str]] = {}
    with CODE_LISTS_CSV.open(newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            lists.setdefault(row["list_name"], set()).add(row["code"])
    return {name: frozenset(codes) for name, codes in lists.items()}


def codes(list_name: str) -> frozenset[str]:
    """The valid codes of one list, e.g. `codes("ssda903_legal_status")`."""
    try:
        return _all_code_lists()[list_name]
    except KeyError:
        raise KeyError(f"no code list named {list_name!r} in {CODE_LISTS_CSV}") from None
