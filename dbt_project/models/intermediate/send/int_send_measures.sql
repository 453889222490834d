{#- SEND measures (MEASURES.md, SEN2), one row per LA, measure and month end. Requests, new plans and 20-week
    timeliness count over the 12 months ending at each month end, so the 31 December row is the calendar year
    that DfE publishes timeliness for. Plans with Week20 exceptions leave both sides of the timeliness
    percentage. A plan is active at D when it started on or before D and has no CeaseDate on or before D. -#}
with

requests as (

    select * from {{ ref('fct_ehcp_requests') }}

),

period_ends as (

    select * from {{ ref('int_period_ends') }}

),

local_authorities as (

    select distinct la_code from {{ ref('fct_ehcp_requests') }}

),

periods as (

    select
        local_authorities.la_code,
        period_ends.period_end,
        {{ dbt.last_day(dbt.dateadd('month', -12, 'period_ends.period_end'), 'month') }} as year_before

    from period_ends
    cross join local_authorities

),

counted as (

    select
        periods.la_code,
        periods.period_end,
        count(distinct case
            when requests.received_date > periods.year_before and requests.received_date <= periods.period_end
            then requests.request_id end) as requests_received,
        count(distinct case
            when requests.plan_started_on > periods.year_before and requests.plan_started_on <= periods.period_end
            then requests.plan_id end) as new_plans,
        count(distinct case
            when requests.plan_started_on > periods.year_before and requests.plan_started_on <= periods.period_end
                and not requests.is_week20_exception
            then requests.plan_id end) as new_plans_without_exceptions,
        count(distinct case
            when requests.plan_started_on > periods.year_before and requests.plan_started_on <= periods.period_end
                and not requests.is_week20_exception and requests.is_plan_within_20_weeks
            then requests.plan_id end) as new_plans_within_20_weeks,
        count(distinct case
            when requests.plan_started_on <= periods.period_end
                and (requests.plan_ceased_on is null or requests.plan_ceased_on > periods.period_end)
            then requests.person_id end) as people_with_active_plan

    from periods
    left join requests
        on requests.la_code = periods.la_code
        and requests.received_date <= periods.period_end

    group by periods.la_code, periods.period_end

),

measures as (

    select la_code, 'ehcp_requests' as measure_id, period_end, 'year' as period_type,
        requests_received as numerator, cast(null as double) as denominator, 'count' as unit
    from counted

    union all

    select la_code, 'ehcp_new_plans', period_end, 'year', new_plans, null, 'count'
    from counted

    union all

    select la_code, 'ehcp_20wk_pct', period_end, 'year', new_plans_within_20_weeks, new_plans_without_exceptions, 'percent'
    from counted

    union all

    select la_code, 'ehcp_active_at_date', period_end, 'snapshot', people_with_active_plan, null, 'count'
    from counted

),

final as (

    select
        la_code,
        measure_id,
        period_end,
        period_type,
        'all' as breakdown,
        cast(numerator as double) as numerator,
        cast(denominator as double) as denominator,
        cast(case when unit = 'percent' then {{ percent('numerator', 'denominator') }} else numerator end as double)
            as value,
        unit

    from measures

)

select * from final
