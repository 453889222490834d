{#- Children looked after measures (MEASURES.md, SSDA903), one row per LA, measure, period end and breakdown.
    An episode is open at D when it started on or before D and has no end or ends after D: an episode ending
    on 31 March is not open at 31 March. Children whose only open episode is a short break (V3/V4) are not
    counted, and a child is counted once however many episodes are open. -#}
with

episodes as (

    select * from {{ ref('fct_cla_episodes') }}
    where not is_short_break

),

period_ends as (

    select * from {{ ref('int_period_ends') }}

),

local_authorities as (

    select distinct la_code from {{ ref('fct_cla_episodes') }}

),

looked_after_at_period_end as (

    select
        local_authorities.la_code,
        period_ends.period_end,
        count(distinct episodes.child_id) as children

    from period_ends
    cross join local_authorities
    left join episodes
        on episodes.la_code = local_authorities.la_code
        and episodes.episode_started_on <= period_ends.period_end
        and (episodes.episode_ended_on is null or episodes.episode_ended_on > period_ends.period_end)

    group by local_authorities.la_code, period_ends.period_end

),

final as (

    select
        la_code,
        'cla_at_date' as measure_id,
        period_end,
        'snapshot' as period_type,
        'all' as breakdown,
        cast(children as double) as numerator,
        cast(null as double) as denominator,
        cast(children as double) as value,
        'count' as unit

    from looked_after_at_period_end

)

select * from final
