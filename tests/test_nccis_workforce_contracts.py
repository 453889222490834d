"""CCIS activity and workforce HR extracts: clean files load, each broken rule is caught and located."""

import dataclasses

from sources import nccis, workforce
from tests.conftest import CHECK_SETTINGS, TEST_KEY, write_table

KEY = TEST_KEY.encode()
TOLERANT = dataclasses.replace(CHECK_SETTINGS, max_rejected_percent=100.0)
CCIS_COLUMNS = ["YPID", "LAchildID", "DOB", "LA", "SNAPSHOT_DATE", "ACTIVITY", "ACTIVITY_START", "SEND", "LAC", "CARE_LEAVER"]
WORKER_COLUMNS = ["SWENo", "Team", "OrgRole", "AgencyWorker", "FTE", "RoleStartDate", "RoleEndDate", "ReasonLeave",
                  "StartOrigin", "LeaverDestination"]


def ccis_row(young_person="YP1", activity="610", snapshot="31/01/2025", start="01/09/2024") -> dict:
    return {"YPID": young_person, "LAchildID": "", "DOB": "15/03/2008", "LA": "999", "SNAPSHOT_DATE": snapshot,
            "ACTIVITY": activity, "ACTIVITY_START": start, "SEND": "NONE", "LAC": "N", "CARE_LEAVER": "N"}


def worker(sweno="SW1001", fte="1", agency="0", start="01/04/2022", end="", reason="") -> dict:
    return {"SWENo": sweno, "Team": "Assessment 1", "OrgRole": "5", "AgencyWorker": agency, "FTE": fte,
            "RoleStartDate": start, "RoleEndDate": end, "ReasonLeave": reason, "StartOrigin": "2", "LeaverDestination": ""}


def test_clean_ccis_months_load_with_typed_dates_and_hashed_ids(settings):
    folder = settings.landing_dir / "nccis"
    write_table(folder / "ccis_2025-01.csv", CCIS_COLUMNS, [ccis_row("YP1"), ccis_row("YP2", "220")])
    write_table(folder / "ccis_2025-02.csv", CCIS_COLUMNS, [ccis_row("YP1", snapshot="28/02/2025")])

    result = nccis.check_extracts(settings.landing_dir, KEY, TOLERANT)

    assert result.faults == []
    activity = result.tables["activity"].to_pandas()
    assert len(activity) == 3
    assert "YP1" not in set(activity.YPID)
    assert sorted(str(day) for day in activity.SNAPSHOT_DATE) == ["2025-01-31", "2025-01-31", "2025-02-28"]


def test_ccis_unknown_activity_and_activity_starting_after_the_snapshot_are_rejected(settings):
    write_table(settings.landing_dir / "nccis" / "ccis.csv", CCIS_COLUMNS,
                [ccis_row("YP1", activity="999"), ccis_row("YP2", start="01/03/2025")])

    faults = nccis.check_extracts(settings.landing_dir, KEY, TOLERANT).faults

    assert [(f.row_number, f.field, f.rule) for f in faults] == [
        (2, "ACTIVITY", "code is in list nccis_activity"),
        (3, "ACTIVITY_START", "ACTIVITY_START is on or before SNAPSHOT_DATE"),
    ]


def test_clean_workforce_files_load_with_numbers_typed(settings):
    folder = settings.landing_dir / "workforce"
    write_table(folder / "workers.csv", WORKER_COLUMNS, [worker(), worker("SW1002", fte="0.5", agency="1")])
    write_table(folder / "establishment.csv", ["Team", "OrgRole", "EffectiveFrom", "FundedFTE"],
                [{"Team": "Assessment 1", "OrgRole": "5", "EffectiveFrom": "01/04/2022", "FundedFTE": "6.5"}])
    write_table(folder / "caseloads.csv", ["SWENo", "SnapshotDate", "Cases"],
                [{"SWENo": "SW1001", "SnapshotDate": "30/09/2024", "Cases": "17"}])

    result = workforce.check_extracts(settings.landing_dir, KEY, TOLERANT)

    assert result.faults == []
    assert sorted(result.tables["workers"].to_pandas().FTE) == [0.5, 1.0]
    assert result.tables["establishment"].to_pandas().FundedFTE.tolist() == [6.5]
    assert result.tables["caseloads"].to_pandas().Cases.tolist() == [17]


def test_worker_with_impossible_fte_or_role_ending_before_it_starts_is_rejected(settings):
    write_table(settings.landing_dir / "workforce" / "workers.csv", WORKER_COLUMNS,
                [worker(fte="1.5"), worker("SW1002", fte="half"), worker("SW1003", end="01/01/2020", reason="1")])

    faults = workforce.check_extracts(settings.landing_dir, KEY, TOLERANT).faults

    assert [(f.row_number, f.field, f.rule) for f in faults] == [
        (2, "FTE", "FTE is more than 0 and at most 1"),
        (3, "FTE", "value is a number"),
        (4, "RoleEndDate", "RoleEndDate is on or after RoleStartDate"),
    ]
    assert all("SW100" not in f.describe() for f in faults)
