"""What a published warehouse was built from, as content hashes, so a refresh can skip what has not changed.

One hash per extract family (the names and contents of its landing files) and one for everything else the
warehouse depends on: the code (sources, orchestration, expectations, the dbt project), the versions of the
libraries that compute it, the settings and the pseudonymisation key (as an HMAC: never the key). `csdw refresh`
hands them to its run as tags; the publish step stores them in `audit.refresh_inputs` of the file it publishes,
so they travel with that file (a rollback brings back the hashes of what it brings back). A run started without
them (the Dagster UI, the schedule) publishes an empty table, and the next `csdw refresh` rebuilds everything.
"""

import hashlib
import hmac
from concurrent.futures import ThreadPoolExecutor
from dataclasses import fields
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb

from orchestration.dbt_project import dbt_sources
from orchestration.settings import PROJECT_ROOT, Settings
from sources.families import CHECKERS
from sources.pseudonymise import pseudonym_key

if TYPE_CHECKING:
    from orchestration.resources import Warehouse

CHUNK = 1 << 20
HASHING_THREADS = 2
BUILD = "build"
TAG_PREFIX = "csdw/inputs/"
TABLE = "audit.refresh_inputs"
CODE_FOLDERS = ("sources", "orchestration", "expectations")
CODE_SUFFIXES = {".py", ".j2", ".csv"}
LIBRARIES = ("dagster", "dagster-dbt", "dbt-core", "dbt-duckdb", "duckdb", "great-expectations", "lxml", "pandas",
             "pandera", "pyarrow")
# Where the landing and the warehouse are says nothing about what is in them.
LOCATIONS = {"landing_dir", "warehouse_path"}


def landing_files(landing: Path, families=tuple(CHECKERS)) -> dict[str, tuple[int, float]]:
    """Every extract file under the families' folders, by path relative to the landing folder: (size, mtime)."""
    files = {}
    for family in families:
        folder = landing / family
        if not folder.is_dir():
            continue
        for path in folder.rglob("*"):
            # Copy tools write hidden temporary files first; only the renamed file is an extract.
            if path.is_file() and not path.name.startswith("."):
                status = path.stat()
                files[path.relative_to(landing).as_posix()] = (status.st_size, status.st_mtime)
    return files


def content_hash(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def family_hash(landing: Path, family: str) -> str:
    """The family's files by name and content: renaming, adding, removing or changing one changes it.

    hashlib lets go of the interpreter lock over a large buffer, so two threads hash two files at once (large's
    1.1 GB of extracts: 0.35 s against 0.8 s), which every refresh pays, an unchanged one too."""
    names = sorted(landing_files(landing, (family,)))
    with ThreadPoolExecutor(HASHING_THREADS) as pool:
        hashes = pool.map(content_hash, [landing / name for name in names])
        digest = hashlib.sha256()
        for name, file_hash in zip(names, hashes):
            digest.update(f"{name}\0{file_hash}\n".encode())
    return digest.hexdigest()


def build_hash(settings: Settings) -> str:
    """Everything but the extracts that a published warehouse is a function of."""
    digest = hashlib.sha256()
    code = [path for folder in CODE_FOLDERS for path in (PROJECT_ROOT / folder).rglob("*")
            if path.suffix in CODE_SUFFIXES and path.is_file()]
    for path in sorted({*code, *dbt_sources()}):
        digest.update(f"{path.relative_to(PROJECT_ROOT).as_posix()}\0{content_hash(path)}\n".encode())
    for library in LIBRARIES:
        digest.update(f"{library}=={metadata.version(library)}\n".encode())
    chosen = {field.name: getattr(settings, field.name) for field in fields(settings) if field.name not in LOCATIONS}
    digest.update(repr(sorted(chosen.items())).encode())
    digest.update(hmac.new(pseudonym_key(), b"csdw refresh inputs", hashlib.sha256).digest())
    return digest.hexdigest()


def current_inputs(settings: Settings) -> dict[str, str]:
    """The hashes of what a refresh with these settings would be built from."""
    return {BUILD: build_hash(settings), **{family: family_hash(settings.landing_dir, family) for family in CHECKERS}}


def published_inputs(warehouse: "Warehouse") -> tuple[dict[str, str], str | None]:
    """The hashes the published warehouse was built from, and the refresh that published it; nothing before the
    first publish, or when the last publish was not made by `csdw refresh`."""
    rows = warehouse.read_published_table(TABLE)
    if rows is None or rows.empty:
        return {}, None
    return dict(zip(rows["input"], rows["input_hash"])), rows["refresh_id"].iloc[0]


def changed_families(current: dict[str, str], published: dict[str, str]) -> list[str]:
    """The families to reload: all of them when anything but the extracts has changed, else those whose files
    have."""
    if BUILD not in current or current[BUILD] != published.get(BUILD):
        return list(CHECKERS)
    return [family for family in CHECKERS if current[family] != published.get(family)]


def as_tags(inputs: dict[str, str]) -> dict[str, str]:
    return {f"{TAG_PREFIX}{name}": value for name, value in inputs.items()}


def from_tags(tags: dict[str, str]) -> dict[str, str]:
    return {name.removeprefix(TAG_PREFIX): value for name, value in tags.items() if name.startswith(TAG_PREFIX)}


def store(connection: duckdb.DuckDBPyConnection, inputs: dict[str, str], refresh_id: str) -> None:
    """Record in the warehouse about to be published what it was built from (replacing what its copy held)."""
    connection.execute("create schema if not exists audit")
    connection.execute(f"create or replace table {TABLE} (input varchar, input_hash varchar, refresh_id varchar)")
    for name, value in sorted(inputs.items()):
        connection.execute(f"insert into {TABLE} values (?, ?, ?)", [name, value, refresh_id])
