{#- Year measures over the 12 months to each month end. cla_starts: children starting a period of care (RNE
    S) in the year; cla_ceased: children whose period of care ended in the year (its last episode's REC is
    not X1). Periods of short breaks only (V3/V4) count in neither. cla_missing_children: children looked
    after in the year (outside short breaks) with a missing episode (MISSING = M) starting in it.
    cla_health_assessment_pct: OC2 records of the collection year whose 31 March falls in the 12 months. -#}
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

reporting_periods as (

    select * from {{ ref('int_cla_reporting_periods') }}

),

starts as (

    select
        periods.la_code,
        reporting_periods.period_end,
        count(distinct periods.child_id) as children

    from periods
    inner join reporting_periods
        on reporting_periods.la_code = periods.la_code
        and periods.period_started_on between reporting_periods.year_started_on and reporting_periods.period_end
    where periods.has_known_start
    group by periods.la_code, reporting_periods.period_end

),

ceased as (

    select
        periods.la_code,
        reporting_periods.period_end,
        count(distinct periods.child_id) as children

    from periods
    inner join reporting_periods
        on reporting_periods.la_code = periods.la_code
        and periods.period_ended_on between reporting_periods.year_started_on and reporting_periods.period_end
    where coalesce(periods.reason_period_ceased_code, '') <> 'X1'
    group by periods.la_code, reporting_periods.period_end

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
        coalesce(starts.children, 0) as started_children,
        coalesce(ceased.children, 0) as ceased_children,
        coalesce(missing.children, 0) as missing_children,
        coalesce(health.children, 0) as oc2_children,
        coalesce(health.assessed_children, 0) as assessed_children

    from reporting_periods
    left join starts
        on starts.la_code = reporting_periods.la_code
        and starts.period_end = reporting_periods.period_end
    left join ceased
        on ceased.la_code = reporting_periods.la_code
        and ceased.period_end = reporting_periods.period_end
    left join missing
        on missing.la_code = reporting_periods.la_code
        and missing.period_end = reporting_periods.period_end
    left join health
        on health.la_code = reporting_periods.la_code
        and health.period_end = reporting_periods.period_end

),

final as (

    {{ measure_rows('counted', 'cla_starts', 'year', 'count', 'started_children') }}
    union all
    {{ measure_rows('counted', 'cla_ceased', 'year', 'count', 'ceased_children') }}
    union all
    {{ measure_rows('counted', 'cla_missing_children', 'year', 'count', 'missing_children') }}
    union all
    {{ measure_rows('counted', 'cla_health_assessment_pct', 'year', 'percent',
        'assessed_children', 'oc2_children') }}

)

select * from final
