"""A regional pool: two LAs' extracts in one landing folder (a folder per LA under each family) publish per LA and
for the pool, whose counts are the LAs' sums and whose rates are over the pooled population.

Two full small LAs take minutes to refresh, so this runs in `make bench`; the pool arithmetic itself has a dbt
unit test (`regional_pool_values_are_worked_from_summed_numerators_and_denominators`) that runs in CI.
"""

import shutil

import duckdb
import pytest

from orchestration.cli import EXIT_PUBLISHED
from sources.synthetic.generate import generate
from tests.conftest import csdw_refresh

pytestmark = pytest.mark.slow

POOL = ("880", "838")
FAMILIES = ("cin", "ssda903", "sen2", "nccis", "workforce")


@pytest.fixture(scope="module")
def pooled_warehouse(tmp_path_factory):
    landing = tmp_path_factory.mktemp("pool")
    for la_code in POOL:
        generated = tmp_path_factory.mktemp(f"la{la_code}")
        # The same seed for both LAs: their child ids collide, as different LAs' case systems' ids can.
        generate(generated, "small", seed=2, la_code=la_code, show_progress=False)
        for family in FAMILIES:
            shutil.copytree(generated / family, landing / family / la_code)
    refresh = csdw_refresh(landing, tmp_path_factory.mktemp("wh") / "csdw.duckdb", POOL[0])
    assert refresh.exit_code == EXIT_PUBLISHED, refresh.printed
    return refresh.warehouse


def test_every_measure_is_published_per_la_and_for_the_pool(pooled_warehouse):
    with duckdb.connect(str(pooled_warehouse), read_only=True) as connection:
        measures_by_la = dict(connection.execute(
            "select la_code, count(distinct measure_id) from marts.measure_values group by la_code").fetchall())
        catalogue_size = connection.execute("select count(*) from marts.measure_catalogue").fetchone()[0]
    assert measures_by_la == {"880": catalogue_size, "838": catalogue_size, "pool": catalogue_size}


def test_pooled_counts_are_sums_and_pooled_rates_are_over_the_pooled_population(pooled_warehouse):
    with duckdb.connect(str(pooled_warehouse), read_only=True) as connection:
        rows = connection.execute(
            "select la_code, numerator, denominator, value from marts.measure_values "
            "where measure_id = 'cla_rate_per_10k' and breakdown = 'all' and period_end = date '2025-03-31'").fetchall()
    by_la = {la_code: (numerator, denominator, value) for la_code, numerator, denominator, value in rows}
    children = by_la["880"][0] + by_la["838"][0]
    population = by_la["880"][1] + by_la["838"][1]
    assert by_la["pool"][:2] == (children, population)
    assert by_la["pool"][2] == pytest.approx(10_000 * children / population)
