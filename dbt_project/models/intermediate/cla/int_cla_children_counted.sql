{#- Snapshot counts at each month end: cla_at_date (also by age band, sex and UASC, every band present with
    zero when empty), its rate per 10,000, and its split into UASC and the rest, which add up to it. -#}
with

children as (

    select * from {{ ref('int_cla_children_looked_after') }}

),

reporting_periods as (

    select * from {{ ref('int_cla_reporting_periods') }}

),

population as (

    select * from {{ ref('int_population_at_period_ends') }}

),

breakdowns as (

    select 'all' as breakdown
    union all select 'age_band=under 1'
    union all select 'age_band=1-4'
    union all select 'age_band=5-9'
    union all select 'age_band=10-15'
    union all select 'age_band=16+'
    union all select 'sex=male'
    union all select 'sex=female'
    union all select 'sex=unknown'
    union all select 'uasc=yes'
    union all select 'uasc=no'

),

children_in_breakdowns as (

    {{ child_breakdown_rows('children', ['la_code', 'period_end', 'child_id', 'is_uasc']) }}

),

counted as (

    select
        reporting_periods.la_code,
        reporting_periods.period_end,
        breakdowns.breakdown,
        count(children_in_breakdowns.child_id) as children,
        sum(case when children_in_breakdowns.is_uasc then 1 else 0 end) as uasc_children

    from reporting_periods
    cross join breakdowns
    left join children_in_breakdowns
        on children_in_breakdowns.la_code = reporting_periods.la_code
        and children_in_breakdowns.period_end = reporting_periods.period_end
        and children_in_breakdowns.breakdown = breakdowns.breakdown

    group by reporting_periods.la_code, reporting_periods.period_end, breakdowns.breakdown

),

counted_all as (

    select
        counted.*,
        coalesce(counted.uasc_children, 0) as uasc_children_or_zero,
        population.population_0_17

    from counted
    left join population
        on population.la_code = counted.la_code
        and population.period_end = counted.period_end
    where counted.breakdown = 'all'

),

final as (

    {{ measure_rows('counted', 'cla_at_date', 'snapshot', 'count', 'children', breakdown='breakdown') }}
    union all
    {{ measure_rows('counted_all', 'cla_rate_per_10k', 'snapshot', 'rate_per_10k',
        'children', 'population_0_17') }}
    union all
    {{ measure_rows('counted_all', 'cla_uasc_at_date', 'snapshot', 'count', 'uasc_children_or_zero') }}
    union all
    {{ measure_rows('counted_all', 'cla_excl_uasc_at_date', 'snapshot', 'count',
        'children - uasc_children_or_zero') }}

)

select * from final
