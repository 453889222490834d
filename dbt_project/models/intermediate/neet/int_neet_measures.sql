{#- NEET measures (MEASURES.md, CCIS), one row per LA, measure and CCIS snapshot. The periods are the month-end
    snapshots present in the CCIS files, not `int_period_ends`: that spine follows the CIN/SSDA903 coverage,
    and a month end without a CCIS file has no cohort to measure (it would read as 0 of 0), while CCIS can
    start before or run after the case-management extracts. Snapshots after the reference date are left out,
    as the other areas' periods are. The annual headline is DfE's December-January-
    February average, published at the end of February: numerator and denominator summed over the three
    month ends, emitted only when all three snapshots are present. Every measure is also broken down by SEND
    status ('send=ehcp', 'send=sen_support', 'send=none'), as the DfE NEET dashboard publishes it. -#}
with

activities as (

    select * from {{ ref('fct_neet_monthly') }}

),

month_ends as (

    select date_day from {{ ref('dim_date') }}
    where is_month_end
        and date_day <= {{ reference_date_expression('date_day') }}

),

broken_down as (

    select *, 'all' as breakdown from activities
    union all
    select *, {{ dbt.concat(["'send='", "lower(send_code)"]) }} from activities
    where send_code is not null

),

snapshots as (

    select
        broken_down.la_code,
        broken_down.snapshot_date,
        broken_down.breakdown,
        sum(case when broken_down.is_in_cohort then 1 else 0 end) as cohort,
        sum(case when broken_down.is_in_cohort and broken_down.is_neet then 1 else 0 end) as neet,
        sum(case when broken_down.is_in_cohort and broken_down.is_not_known then 1 else 0 end) as not_known

    from broken_down
    inner join month_ends on month_ends.date_day = broken_down.snapshot_date

    group by broken_down.la_code, broken_down.snapshot_date, broken_down.breakdown

),

december_to_february as (

    select
        februaries.la_code,
        februaries.snapshot_date as period_end,
        februaries.breakdown,
        sum(winter.cohort) as cohort,
        sum(winter.neet + winter.not_known) as neet_or_not_known

    from snapshots as februaries
    inner join snapshots as winter
        on winter.la_code = februaries.la_code
        and winter.breakdown = februaries.breakdown
        and winter.snapshot_date > {{ dbt.last_day(dbt.dateadd('month', -3, 'februaries.snapshot_date'), 'month') }}
        and winter.snapshot_date <= februaries.snapshot_date
    where extract(month from februaries.snapshot_date) = 2

    group by februaries.la_code, februaries.snapshot_date, februaries.breakdown
    having count(*) = 3

),

measures as (

    select la_code, 'neet_16_17_pct' as measure_id, snapshot_date as period_end, 'snapshot' as period_type,
        breakdown, neet as numerator, cohort as denominator
    from snapshots

    union all

    select la_code, 'not_known_16_17_pct', snapshot_date, 'snapshot', breakdown, not_known, cohort
    from snapshots

    union all

    select la_code, 'neet_nk_16_17_pct', snapshot_date, 'snapshot', breakdown, neet + not_known, cohort
    from snapshots

    union all

    select la_code, 'neet_nk_16_17_pct', period_end, 'year', breakdown, neet_or_not_known, cohort
    from december_to_february

),

final as (

    select
        la_code,
        measure_id,
        cast(period_end as date) as period_end,
        period_type,
        breakdown,
        cast(numerator as double) as numerator,
        cast(denominator as double) as denominator,
        cast({{ percent('numerator', 'denominator') }} as double) as value,
        'percent' as unit

    from measures

)

select * from final
