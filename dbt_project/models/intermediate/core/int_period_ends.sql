{#- The snapshot dates measures are computed at: every month end (31 March, the statutory date, among them),
    from the data's coverage start to the last month end on or before the reference date.
    Coverage starts on 1 April of the earliest SSDA903 or CIN collection year loaded; extracts without a
    collection year fall back to the first SSDA903 episode. The reference date is the `reference_date` var,
    else the latest date in the SSDA903 and CIN data. -#}
with

episodes as (

    select * from {{ source('raw', 'ssda903_episodes') }}

),

referrals as (

    select * from {{ source('raw', 'cin_details') }}

),

collection_years as (

    select collection_year from episodes
    union all
    select collection_year from referrals

),

event_dates as (

    select DECOM as event_on from episodes
    union all
    select DEC from episodes
    union all
    select CINreferralDate from referrals
    union all
    select CINclosureDate from referrals

),

latest_event as (

    select max(event_on) as latest_event_on from event_dates

),

bounds as (

    select
        coalesce(
            (select cast(min(cast(left(collection_year, 4) as integer)) || '-04-30' as date)
             from collection_years where collection_year is not null),
            (select {{ dbt.last_day('min(DECOM)', 'month') }} from episodes)
        ) as first_period_end,
        {{ dbt.last_day(dbt.dateadd('month', -1, dbt.dateadd('day', 1, reference_date_expression('latest_event_on'))), 'month') }}
            as last_period_end
    from latest_event

),

final as (

    select dim_date.date_day as period_end
    from {{ ref('dim_date') }} as dim_date
    inner join bounds
        on dim_date.date_day between bounds.first_period_end and bounds.last_period_end
    where dim_date.is_month_end

)

select * from final
