"""Every extract family the warehouse ingests, by its landing folder name."""

from collections.abc import Callable
from pathlib import Path

from sources import cin, nccis, sen2, ssda903, workforce
from sources.contracts import CheckSettings, ContractResult

CHECKERS: dict[str, Callable[[Path, bytes, CheckSettings], ContractResult]] = {
    cin.FAMILY: cin.check_extracts,
    ssda903.FAMILY: ssda903.check_extracts,
    sen2.FAMILY: sen2.check_extracts,
    nccis.FAMILY: nccis.check_extracts,
    workforce.FAMILY: workforce.check_extracts,
}
