"""The environment contract (DESIGN.md): where extracts land, where the warehouse is, which LA this is.

Paths are resolved to absolute paths here, once, and handed to Dagster and dbt from here, so the two can never
disagree about which file is the warehouse.
"""

import os
import tomllib
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_LANDING_DIR = PROJECT_ROOT / "sources" / "landing"
DEFAULT_WAREHOUSE = PROJECT_ROOT / "warehouse" / "csdw.duckdb"
DEFAULT_THRESHOLDS = PROJECT_ROOT / "thresholds.toml"
# thresholds.toml's [freshness.max_age_days], for settings built without the file (tests).
DEFAULT_MAX_AGE_DAYS = {"cin": 2.0, "ssda903": 2.0, "sen2": 400.0, "nccis": 35.0, "workforce": 35.0}


@dataclass(frozen=True)
class Settings:
    landing_dir: Path
    warehouse_path: Path
    la_code: str | None
    reference_date: date | None
    max_rejected_percent: float = 5.0
    max_row_count_change_percent: float = 25.0
    movement_warn_factor: float = 1.5
    movement_block_factor: float = 3.0
    movement_small_count: float = 5.0
    max_age_days: dict[str, float] = field(default_factory=lambda: dict(DEFAULT_MAX_AGE_DAYS))
    export_suppress_at_most: int = 5

    @classmethod
    def from_env(cls, landing_dir: str | None = None, warehouse_path: str | None = None) -> "Settings":
        """Settings from the command line where given, else the environment, else the defaults."""
        reference = os.environ.get("CSDW_REFERENCE_DATE")
        thresholds = _absolute(os.environ.get("CSDW_THRESHOLDS"), DEFAULT_THRESHOLDS)
        with thresholds.open("rb") as handle:
            configured = tomllib.load(handle)
        return cls(
            landing_dir=_absolute(landing_dir or os.environ.get("CSDW_LANDING_DIR"), DEFAULT_LANDING_DIR),
            warehouse_path=_absolute(warehouse_path or os.environ.get("CSDW_WAREHOUSE"), DEFAULT_WAREHOUSE),
            la_code=os.environ.get("CSDW_LA_CODE") or None,
            reference_date=date.fromisoformat(reference) if reference else None,
            max_rejected_percent=float(configured["ingest"]["max_rejected_percent"]),
            max_row_count_change_percent=float(configured["gates"]["max_row_count_change_percent"]),
            # A thresholds file written before the movement check existed keeps its defaults.
            movement_warn_factor=float(configured["gates"].get("movement_warn_factor", cls.movement_warn_factor)),
            movement_block_factor=float(configured["gates"].get("movement_block_factor", cls.movement_block_factor)),
            movement_small_count=float(configured["gates"].get("movement_small_count", cls.movement_small_count)),
            # A thresholds file written before the freshness checks existed keeps the defaults.
            max_age_days={family: float(days) for family, days in
                          configured.get("freshness", {}).get("max_age_days", DEFAULT_MAX_AGE_DAYS).items()},
            # A thresholds file written before exports existed keeps DfE's threshold.
            export_suppress_at_most=int(configured.get("exports", {}).get("suppress_at_most", 5)),
        )


def _absolute(value: str | None, default: Path) -> Path:
    return Path(value).expanduser().resolve() if value else default
