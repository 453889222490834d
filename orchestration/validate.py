"""`csdw validate`: check a landing folder against the contracts without loading anything."""

import secrets
from pathlib import Path

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from sources.contracts import CheckSettings, Fault
from sources.families import CHECKERS

MAX_ROWS_SHOWN = 200


def validate_landing(landing_dir: Path, settings: CheckSettings, console: Console) -> int:
    """Print every error and warning by file, row, field and rule, then a summary per table; 1 when anything
    would stop a refresh (a file fault, or rejected rows over the threshold) or a file could not be read, else 0."""
    # Nothing is stored, so identifiers are hashed with a key used once and thrown away.
    key = secrets.token_bytes(32)
    results, unread = {}, []
    for family, check in CHECKERS.items():
        try:
            results[family] = check(landing_dir, key, settings)
        except OSError as error:
            # A refresh retries an I/O error (the share may be back in a moment): here it is said, and the other
            # families are still checked.
            unread.append(f"{family}: {error}")
    for message in unread:
        console.print(f"[red]Could not read[/] {escape(message)}", highlight=False)
    faults = [fault for result in results.values() for fault in result.faults]
    _print_faults(faults, console)
    summary = Table("family", "table", "rows read", "rejected", "repaired", title="Summary")
    for family, result in results.items():
        for table, rows in result.rows_read.items():
            repaired = sum(fault.severity == "warning" and fault.table == table for fault in result.faults)
            summary.add_row(family, table, str(rows), str(result.rows_rejected.get(table, 0)), str(repaired))
    console.print(summary)
    blocking = [fault for result in results.values() for fault in result.blocking_faults]
    if blocking:
        console.print(f"[red]{len(blocking)} blocking fault(s)[/]: a refresh would stop.")
    if unread:
        console.print(f"[red]{len(unread)} family(ies) could not be read[/]: a refresh would try again for a few "
                      "minutes, then fail if they still cannot.")
    if blocking or unread:
        return 1
    console.print("[green]No blocking faults[/]: a refresh would load these extracts.")
    return 0


def _print_faults(faults: list[Fault], console: Console) -> None:
    """One plain line per fault, errors first, so the list can be read in a log or searched with grep."""
    ordered = sorted(faults, key=lambda f: (f.severity != "error", f.family, f.file, f.row_number or 0, f.field))
    for fault in ordered[:MAX_ROWS_SHOWN]:
        console.print(f"{fault.severity:<7} {fault.family}/{fault.describe()} [rule: {fault.rule}]", markup=False)
    if len(ordered) > MAX_ROWS_SHOWN:
        console.print(f"... and {len(ordered) - MAX_ROWS_SHOWN} more")
