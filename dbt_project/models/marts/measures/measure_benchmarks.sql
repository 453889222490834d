{#- Each LA's measures beside England, its region and its statistical neighbours, for every measure and year DfE
    publishes (seed `dfe_benchmarks`). Driven by the published side, so a measure no area model computes yet is
    there with a null `la_value`. -#}
with

benchmarks as (

    select * from {{ ref('dfe_benchmarks') }}

),

statistical_neighbours as (

    select * from {{ ref('statistical_neighbours') }}

),

population as (

    select * from {{ ref('population') }}
    where geography = 'la'

),

measure_values as (

    select * from {{ ref('measure_values') }}
    where breakdown = 'all'

),

local_authorities as (

    select distinct la_code from measure_values

),

published_measure_years as (

    select distinct measure_id, year_end from benchmarks

),

england_benchmarks as (

    select * from benchmarks
    where geography = 'england'

),

region_benchmarks as (

    select * from benchmarks
    where geography = 'region'

),

la_benchmarks as (

    select * from benchmarks
    where geography = 'la'

),

ranked_regions as (

    -- LAs keep their region across mid-years; the latest names the region of a recently reorganised LA.
    select
        area_code as la_code,
        region_code,
        row_number() over (partition by area_code order by mid_year desc) as recency

    from population

),

la_regions as (

    select la_code, region_code
    from ranked_regions
    where recency = 1

),

ranked_la_values as (

    -- A measure with a yearly figure (NEET's December-February average) is published as that, not the month.
    select
        la_code,
        measure_id,
        period_end,
        value,
        row_number() over (
            partition by la_code, measure_id, period_end
            order by case period_type when 'year' then 1 when 'snapshot' then 2 else 3 end
        ) as preference

    from measure_values

),

la_values as (

    select la_code, measure_id, period_end, value
    from ranked_la_values
    where preference = 1

),

neighbour_means as (

    select
        statistical_neighbours.la_code,
        la_benchmarks.measure_id,
        la_benchmarks.year_end,
        avg(la_benchmarks.value) as statistical_neighbours_value,
        count(*) as statistical_neighbours_count

    from statistical_neighbours
    inner join la_benchmarks on la_benchmarks.area_code = statistical_neighbours.neighbour_code
    group by statistical_neighbours.la_code, la_benchmarks.measure_id, la_benchmarks.year_end

),

final as (

    select
        local_authorities.la_code,
        published_measure_years.measure_id,
        published_measure_years.year_end,
        la_values.value as la_value,
        england_benchmarks.value as england_value,
        la_regions.region_code,
        region_benchmarks.value as region_value,
        neighbour_means.statistical_neighbours_value,
        cast(coalesce(neighbour_means.statistical_neighbours_count, 0) as integer) as statistical_neighbours_count,
        la_benchmarks.value as la_published_value

    from local_authorities
    cross join published_measure_years
    left join la_regions
        on la_regions.la_code = local_authorities.la_code
    left join la_values
        on la_values.la_code = local_authorities.la_code
        and la_values.measure_id = published_measure_years.measure_id
        and la_values.period_end = published_measure_years.year_end
    left join england_benchmarks
        on england_benchmarks.measure_id = published_measure_years.measure_id
        and england_benchmarks.year_end = published_measure_years.year_end
    left join region_benchmarks
        on region_benchmarks.area_code = la_regions.region_code
        and region_benchmarks.measure_id = published_measure_years.measure_id
        and region_benchmarks.year_end = published_measure_years.year_end
    left join neighbour_means
        on neighbour_means.la_code = local_authorities.la_code
        and neighbour_means.measure_id = published_measure_years.measure_id
        and neighbour_means.year_end = published_measure_years.year_end
    left join la_benchmarks
        on la_benchmarks.area_code = local_authorities.la_code
        and la_benchmarks.measure_id = published_measure_years.measure_id
        and la_benchmarks.year_end = published_measure_years.year_end

)

select * from final
