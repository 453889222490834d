{#- SEND measures (MEASURES.md, SEN2), one row per LA, measure and month end. Requests, new plans and 20-week
    timeliness count over the 12 months ending at each month end, so the 31 December row is the calendar year
    that DfE publishes timeliness for. Plans with Week20 exceptions leave both sides of the timeliness
    percentage. A plan is active at D when it started on or before D and has no CeaseDate on or before D.
    Every measure is also broken down by sex; each breakdown present in the LA's data gets a row at every
    period end, zero counts included. -#}
with

requests as (

    select * from {{ ref('fct_ehcp_requests') }}

),

period_ends as (

    select * from {{ ref('int_period_ends') }}

),

requests_broken_down as (

    select *, 'all' as breakdown from requests
    union all
    select *, {{ dbt.concat(["'sex='", "sex"]) }} from requests

),

breakdowns as (

    select distinct la_code, breakdown from requests_broken_down

),

periods as (

    select
        breakdowns.la_code,
        breakdowns.breakdown,
        period_ends.period_end,
        {{ dbt.last_day(dbt.dateadd('month', -12, 'period_ends.period_end'), 'month') }} as year_before

    from period_ends
    cross join breakdowns

),

{#- A request is one row of a breakdown, and its first plan's id is the request's key and the plan's start date:
    requests and plans are counted as rows. A person can have plans from two requests: people are counted
    distinct. (Each distinct count cost seconds for a regional pool.) -#}
counted as (

    select
        periods.la_code,
        periods.breakdown,
        periods.period_end,
        count(case
            when broken_down.received_date > periods.year_before and broken_down.received_date <= periods.period_end
            then broken_down.request_id end) as requests_received,
        count(case
            when broken_down.plan_started_on > periods.year_before and broken_down.plan_started_on <= periods.period_end
            then broken_down.plan_id end) as new_plans,
        count(case
            when broken_down.plan_started_on > periods.year_before and broken_down.plan_started_on <= periods.period_end
                and not broken_down.is_week20_exception
            then broken_down.plan_id end) as new_plans_without_exceptions,
        count(case
            when broken_down.plan_started_on > periods.year_before and broken_down.plan_started_on <= periods.period_end
                and not broken_down.is_week20_exception and broken_down.is_plan_within_20_weeks
            then broken_down.plan_id end) as new_plans_within_20_weeks,
        count(distinct case
            when broken_down.plan_started_on <= periods.period_end
                and (broken_down.plan_ceased_on is null or broken_down.plan_ceased_on > periods.period_end)
            then broken_down.person_id end) as people_with_active_plan

    from periods
    left join requests_broken_down as broken_down
        on broken_down.la_code = periods.la_code
        and broken_down.breakdown = periods.breakdown
        and broken_down.received_date <= periods.period_end

    group by periods.la_code, periods.breakdown, periods.period_end

),

measures as (

    select la_code, 'ehcp_requests' as measure_id, period_end, 'year' as period_type, breakdown,
        requests_received as numerator, cast(null as double) as denominator, 'count' as unit
    from counted

    union all

    select la_code, 'ehcp_new_plans', period_end, 'year', breakdown, new_plans, null, 'count'
    from counted

    union all

    select la_code, 'ehcp_20wk_pct', period_end, 'year', breakdown, new_plans_within_20_weeks, new_plans_without_exceptions, 'percent'
    from counted

    union all

    select la_code, 'ehcp_active_at_date', period_end, 'snapshot', breakdown, people_with_active_plan, null, 'count'
    from counted

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
