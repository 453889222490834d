{#- Social work workforce measures (MEASURES.md), one row per LA, measure and month end, summed over teams.
    Turnover is over the 12 months to the date (period_type year); the others are snapshots. The average
    caseload is published only at month ends with a caseload snapshot. Each measure is also broken down by
    team ('team=<name>').
    The average caseload is an average count: cases held (numerator) over the FTE of case-holding workers
    (denominator), its value the exact ratio, as DfE publishes it to one decimal. -#}
with

teams as (

    select * from {{ ref('fct_workforce_monthly') }}

),

broken_down as (

    select *, 'all' as breakdown from teams
    union all
    select *, {{ dbt.concat(["'team='", "team_name"]) }} from teams

),

totals as (

    select
        la_code,
        period_end,
        breakdown,
        {{ exact_sum('permanent_fte') }} as permanent_fte,
        {{ exact_sum('agency_fte') }} as agency_fte,
        {{ exact_sum('funded_fte') }} as funded_fte,
        {{ exact_sum('vacant_fte') }} as vacant_fte,
        {{ exact_sum('permanent_leaver_fte_12m') }} as permanent_leaver_fte_12m,
        max(case when has_caseload_snapshot then 1 else 0 end) as has_caseload_snapshot,
        sum(cases_held) as cases_held,
        {{ exact_sum('case_holding_fte') }} as case_holding_fte

    from broken_down
    group by la_code, period_end, breakdown

),

measures as (

    select la_code, 'sw_fte' as measure_id, period_end, 'snapshot' as period_type, breakdown,
        permanent_fte as numerator, cast(null as double) as denominator, 'fte' as unit
    from totals

    union all

    select la_code, 'sw_agency_fte', period_end, 'snapshot', breakdown, agency_fte, null, 'fte'
    from totals

    union all

    select la_code, 'sw_vacancy_rate_pct', period_end, 'snapshot', breakdown, vacant_fte, funded_fte, 'percent'
    from totals

    union all

    select la_code, 'sw_agency_rate_pct', period_end, 'snapshot', breakdown, agency_fte, agency_fte + permanent_fte, 'percent'
    from totals

    union all

    select la_code, 'sw_turnover_rate_pct', period_end, 'year', breakdown, permanent_leaver_fte_12m, permanent_fte, 'percent'
    from totals

    union all

    select la_code, 'sw_avg_caseload', period_end, 'snapshot', breakdown,
        cases_held, case_holding_fte, 'count'
    from totals
    where has_caseload_snapshot = 1

),

final as (

    select
        la_code,
        measure_id,
        period_end,
        period_type,
        breakdown,
        cast(numerator as double) as numerator,
        cast(denominator as double) as denominator,
        cast({{ measure_value('unit', 'numerator', 'denominator') }} as double) as value,
        unit

    from measures

)

select * from final
