"""The dbt project as Dagster sees it, and the manifest dagster-dbt reads when the definitions load."""

import os
import subprocess
import sys
from pathlib import Path

from dagster_dbt import DbtProject

from orchestration.settings import PROJECT_ROOT

DBT_PROJECT_DIR = PROJECT_ROOT / "dbt_project"
DBT_PROJECT = DbtProject(project_dir=DBT_PROJECT_DIR, profiles_dir=DBT_PROJECT_DIR)
# The dbt next to this interpreter, so a refresh works from an unactivated virtual environment too.
DBT_EXECUTABLE = str(Path(sys.executable).with_name("dbt"))


def dbt_sources() -> list[Path]:
    return [
        path
        for folder in ("models", "macros", "seeds", "tests")
        for path in (DBT_PROJECT_DIR / folder).rglob("*")
        if path.suffix in {".sql", ".yml", ".csv"}
    ] + [DBT_PROJECT_DIR / "dbt_project.yml", DBT_PROJECT_DIR / "profiles.yml"]


def prepare_manifest() -> Path:
    """Run `dbt parse` when the manifest is missing or older than any dbt file; return the manifest path."""
    manifest = DBT_PROJECT.manifest_path
    if manifest.exists():
        built = manifest.stat().st_mtime
        if all(path.stat().st_mtime <= built for path in dbt_sources()):
            return manifest
    subprocess.run(
        [DBT_EXECUTABLE, "parse", "--quiet", "--profiles-dir", str(DBT_PROJECT_DIR)],
        cwd=DBT_PROJECT_DIR,
        check=True,
        env={**os.environ, "DBT_SEND_ANONYMOUS_USAGE_STATS": "false"},
    )
    return manifest
