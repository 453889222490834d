{#- Year measures over the 12 months to each month end. cla_starts: children starting a period of care (RNE
    S) in the year; cla_ceased: children whose period of care ended in the year (its last episode's REC is
    not X1). Periods of short breaks only (V3/V4) count in neither. cla_missing_children: children looked
    after in the year (outside short breaks) with a missing episode (MISSING = M) starting in it.
    cla_health_assessment_pct: OC2 records of the collection year whose 31 March falls in the 12 months.
    Starts and ceased are also broken down by age band and UASC status on the day of starting or ceasing, and
    by sex. -#}
with

periods as (

    select * from {{ ref('fct_cla_periods') }}
    where not is_short_breaks_only

),

missing_episodes as (

    select * from {{ ref('stg_ssda903__missing_episodes') }}
    where missing_type_code = 'M'

),

health_outcomes as (

    select
        *,
        cast(cast(left(collection_year, 4) as integer) + 1 || '-03-31' as date) as collection_year_ended_on

    from {{ ref('stg_ssda903__oc2s') }}

),

headers as (

    select * from {{ ref('stg_ssda903__headers') }}

),

uasc as (

    select * from {{ ref('stg_ssda903__uascs') }}

),

reporting_periods as (

    select * from {{ ref('int_cla_reporting_periods') }}

),

{#- One row per child starting or ceasing in each year, dated by the day they did (a child starting twice in a
    year is one start, dated by the first). -#}
movements as (

    select
        periods.la_code,
        reporting_periods.period_end,
        'start' as movement,
        periods.child_id,
        min(periods.period_started_on) as moved_on

    from periods
    inner join reporting_periods
        on reporting_periods.la_code = periods.la_code
        and periods.period_started_on between reporting_periods.year_started_on and reporting_periods.period_end
    where periods.has_known_start
    group by periods.la_code, reporting_periods.period_end, periods.child_id

    union all

    select
        periods.la_code,
        reporting_periods.period_end,
        'ceased',
        periods.child_id,
        min(periods.period_ended_on)

    from periods
    inner join reporting_periods
        on reporting_periods.la_code = periods.la_code
        and periods.period_ended_on between reporting_periods.year_started_on and reporting_periods.period_end
    where coalesce(periods.reason_period_ceased_code, '') <> 'X1'
    group by periods.la_code, reporting_periods.period_end, periods.child_id

),

described_movements as (

    select
        movements.la_code,
        movements.period_end,
        movements.movement,
        movements.child_id,
        uasc.child_id is not null as is_uasc,
        {{ age_band('headers.birth_date', 'movements.moved_on') }} as age_band,
        {{ sex_from_code('headers.sex_code') }} as sex

    from movements
    left join headers
        on headers.la_code = movements.la_code
        and headers.child_id = movements.child_id
    left join uasc
        on uasc.la_code = movements.la_code
        and uasc.child_id = movements.child_id
        -- One comparison, not `is null or`: DuckDB runs an outer join whose condition has an `or` as a nested loop.
        and coalesce(uasc.uasc_ceased_on, date '9999-12-31') > movements.moved_on

),

movements_in_breakdowns as (

    {{ child_breakdown_rows('described_movements', ['la_code', 'period_end', 'movement', 'child_id']) }}

),

movements_counted as (

    select
        la_code,
        period_end,
        breakdown,
        count(distinct case when movement = 'start' then child_id end) as started_children,
        count(distinct case when movement = 'ceased' then child_id end) as ceased_children

    from movements_in_breakdowns
    group by la_code, period_end, breakdown

),

missing as (

    select
        missing_episodes.la_code,
        reporting_periods.period_end,
        count(distinct missing_episodes.child_id) as children

    from missing_episodes
    inner join reporting_periods
        on reporting_periods.la_code = missing_episodes.la_code
        and missing_episodes.missing_started_on
            between reporting_periods.year_started_on and reporting_periods.period_end
    where exists (
        select 1 from periods
        where periods.la_code = missing_episodes.la_code
            and periods.child_id = missing_episodes.child_id
            and periods.period_started_on <= reporting_periods.period_end
            and (periods.period_ended_on is null or periods.period_ended_on >= reporting_periods.year_started_on)
    )
    group by missing_episodes.la_code, reporting_periods.period_end

),

health as (

    select
        health_outcomes.la_code,
        reporting_periods.period_end,
        count(*) as children,
        sum(case when health_outcomes.has_health_assessment then 1 else 0 end) as assessed_children

    from health_outcomes
    inner join reporting_periods
        on reporting_periods.la_code = health_outcomes.la_code
        and health_outcomes.collection_year_ended_on
            between reporting_periods.year_started_on and reporting_periods.period_end
    group by health_outcomes.la_code, reporting_periods.period_end

),

counted as (

    select
        reporting_periods.la_code,
        reporting_periods.period_end,
        coalesce(movements_counted.started_children, 0) as started_children,
        coalesce(movements_counted.ceased_children, 0) as ceased_children,
        coalesce(missing.children, 0) as missing_children,
        coalesce(health.children, 0) as oc2_children,
        coalesce(health.assessed_children, 0) as assessed_children

    from reporting_periods
    left join movements_counted
        on movements_counted.la_code = reporting_periods.la_code
        and movements_counted.period_end = reporting_periods.period_end
        and movements_counted.breakdown = 'all'
    left join missing
        on missing.la_code = reporting_periods.la_code
        and missing.period_end = reporting_periods.period_end
    left join health
        on health.la_code = reporting_periods.la_code
        and health.period_end = reporting_periods.period_end

),

{#- A breakdown with no children is left out, as the CIN breakdowns are. -#}
starts_broken_down as (

    select * from movements_counted
    where breakdown <> 'all' and started_children > 0

),

ceased_broken_down as (

    select * from movements_counted
    where breakdown <> 'all' and ceased_children > 0

),

final as (

    {{ measure_rows('counted', 'cla_starts', 'year', 'count', 'started_children') }}
    union all
    {{ measure_rows('counted', 'cla_ceased', 'year', 'count', 'ceased_children') }}
    union all
    {{ measure_rows('starts_broken_down', 'cla_starts', 'year', 'count', 'started_children', breakdown='breakdown') }}
    union all
    {{ measure_rows('ceased_broken_down', 'cla_ceased', 'year', 'count', 'ceased_children', breakdown='breakdown') }}
    union all
    {{ measure_rows('counted', 'cla_missing_children', 'year', 'count', 'missing_children') }}
    union all
    {{ measure_rows('counted', 'cla_health_assessment_pct', 'year', 'percent',
        'assessed_children', 'oc2_children') }}

)

select * from final
