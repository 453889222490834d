{#- The snapshot dates measures are computed at: every month end (31 March, the statutory date, among them)
    from the month of the first episode in the data to the last month end on or before the reference date.
    The reference date is the `reference_date` var when given, else the latest episode date in the data. -#}
with recursive

episode_dates as (

    select episode_started_on as event_on from {{ ref('stg_ssda903__episodes') }}
    union all
    select episode_ended_on as event_on from {{ ref('stg_ssda903__episodes') }} where episode_ended_on is not null

),

bounds as (

    select
        {{ dbt.last_day('min(event_on)', 'month') }} as first_period_end,
        {{ dbt.last_day(dbt.dateadd('month', -1, dbt.dateadd('day', 1, reference_date_expression('max(event_on)'))), 'month') }}
            as last_period_end
    from episode_dates

),

period_ends as (

    select first_period_end as period_end, last_period_end
    from bounds
    where first_period_end <= last_period_end

    union all

    select {{ dbt.last_day(dbt.dateadd('month', 1, 'period_end'), 'month') }} as period_end, last_period_end
    from period_ends
    where period_end < last_period_end

),

final as (

    select cast(period_end as date) as period_end
    from period_ends

)

select * from final
