{#- The periods children-looked-after measures are computed over, for every LA with SSDA903 episodes: each
    month end (snapshots) and the 12 months ending at it (year measures), 31 March -> 1 April of the year
    before. Every measure has a row for each of them, zero when nothing happened. -#}
with

period_ends as (

    select * from {{ ref('int_period_ends') }}

),

local_authorities as (

    select distinct la_code from {{ ref('fct_cla_episodes') }}

),

final as (

    select
        local_authorities.la_code,
        period_ends.period_end,
        cast({{ dbt.dateadd('day', 1, dbt.last_day(dbt.dateadd('month', -12, 'period_ends.period_end'), 'month')) }}
            as date) as year_started_on

    from period_ends
    cross join local_authorities

)

select * from final
