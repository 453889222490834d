"""`csdw generate`: synthetic extracts of every family, for one LA or a regional pool, deterministic from the seed.

Layout as `sources/README.md`: `<out>/<family>/...` for one LA, `<out>/<family>/<la_code>/...` for a region.
Each LA's children are simulated once (`life_course`) and the writers cut their histories into per-year files.
With `defects=True` faults are injected afterwards into copies of clean rows and listed in
`defects_manifest.csv`; the clean output is otherwise byte-identical.
"""

import os
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from rich.progress import Progress

from sources.synthetic.calendar import last_collection_year, year_start
from sources.synthetic.ccis import write_ccis
from sources.synthetic.cin import write_cin_year
from sources.synthetic.defects import inject_defects
from sources.synthetic.life_course import Simulator
from sources.synthetic.sen2 import census_date, write_sen2_year
from sources.synthetic.ssda903_tables import write_ssda903_year
from sources.synthetic.targets import SCALES, Targets, la_plan
from sources.synthetic.workforce import write_workforce

FAMILIES = ("cin", "ssda903", "sen2", "nccis", "workforce")
DEFAULT_REFERENCE = date(2025, 3, 31)


@dataclass(frozen=True)
class LaJob:
    targets: Targets
    seed: int
    years: int
    reference: date
    out: Path
    region: bool


def collection_years(reference: date, years: int) -> list[int]:
    """The collection years (by end year) to write, oldest first, the last holding the reference date."""
    last = last_collection_year(reference)
    return list(range(last - years + 1, last + 1))


def generate(out: Path, scale: str, seed: int, la_code: str | None = None, defects: bool = False,
             reference: date = DEFAULT_REFERENCE, show_progress: bool = True) -> list[Targets]:
    """Generate every extract family into `out`; returns the LAs generated (with their targets)."""
    plan = la_plan(scale, la_code)
    config = SCALES[scale]
    jobs = [LaJob(targets, seed, config.years, reference, out, config.region) for targets in plan]
    with Progress(disable=not show_progress, transient=False) as progress:
        if len(jobs) == 1:
            task = progress.add_task(f"generating {scale}", total=len(collection_years(reference, config.years)) + 4)
            generate_la(jobs[0], lambda step: progress.update(task, advance=1, description=f"{scale}: {step}"))
        else:
            task = progress.add_task(f"generating {scale} ({len(jobs)} LAs)", total=len(jobs))
            workers = min(len(jobs), os.cpu_count() or 1)
            with ProcessPoolExecutor(max_workers=workers) as pool:
                for _ in pool.map(generate_la, jobs):
                    progress.advance(task)
    if defects:
        inject_defects(out, seed, reference)
    return plan


def generate_la(job: LaJob, done: Callable[[str], None] = lambda step: None) -> str:
    """Simulate one LA and write all its files, calling `done` after each step (for a progress bar)."""
    years = collection_years(job.reference, job.years)
    first_day = year_start(years[0])
    prefix = job.targets.la_code if job.region else ""
    population = Simulator(job.targets, job.seed, first_day, job.reference, prefix).run()
    done("simulated life-courses")
    folders = {}
    for family in FAMILIES:
        folder = job.out / family / job.targets.la_code if job.region else job.out / family
        folder.mkdir(parents=True, exist_ok=True)
        folders[family] = folder
    for end_year in years:
        write_cin_year(population, end_year, folders["cin"])
        write_ssda903_year(population, end_year, folders["ssda903"], job.seed)
        done(f"CIN and SSDA903 {end_year}")
    for census_year in range(years[0], years[-1] + 1):
        if census_date(census_year) <= job.reference:
            write_sen2_year(population, census_year, folders["sen2"])
    done("SEN2")
    write_ccis(population, first_day, job.reference, folders["nccis"], job.seed, job.targets.neet_nk_16_17_pct)
    done("CCIS")
    write_workforce(job.targets, first_day, job.reference, folders["workforce"], job.seed, prefix)
    done("workforce")
    return job.targets.la_code
