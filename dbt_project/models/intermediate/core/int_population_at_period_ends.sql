with

period_ends as (

    select * from {{ ref('int_period_ends') }}

),

population as (

    select * from {{ ref('population') }}
    where geography = 'la'

),

local_authorities as (

    select distinct la_code from {{ source('raw', 'ssda903_episodes') }}
    union
    select distinct la_code from {{ source('raw', 'cin_details') }}

),

candidates as (

    select
        local_authorities.la_code,
        period_ends.period_end,
        population.mid_year,
        population.population_0_17,
        -- The latest mid-year (30 June) on or before the period end; else the latest published.
        row_number() over (
            partition by local_authorities.la_code, period_ends.period_end
            order by
                case when cast(population.mid_year || '-06-30' as date) <= period_ends.period_end then 0 else 1 end,
                case when cast(population.mid_year || '-06-30' as date) <= period_ends.period_end
                     then population.mid_year else -population.mid_year end desc
        ) as preference

    from local_authorities
    cross join period_ends
    inner join population on population.area_code = local_authorities.la_code

),

final as (

    select la_code, period_end, mid_year, population_0_17
    from candidates
    where preference = 1

)

select * from final
