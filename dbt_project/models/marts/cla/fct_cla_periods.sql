{#- A period of care is known from its RNE S episode; when the extracts start part-way through one, its start
    is the first episode on file (has_known_start false). -#}
with

episodes as (

    select * from {{ ref('int_cla_episodes_grouped') }}

),

periods as (

    select
        period_id,
        la_code,
        child_id,
        min(period_started_on) as period_started_on,
        max(episode_started_on) as last_episode_started_on,
        count(*) as episode_count,
        sum(case when is_short_break then 0 else 1 end) as looked_after_episode_count,
        sum(case when episode_ended_on is null then 1 else 0 end) as open_episode_count

    from episodes
    group by period_id, la_code, child_id

),

first_episodes as (

    select period_id, reason_new_episode_code
    from episodes
    where episode_started_on = period_started_on

),

last_episodes as (

    select period_id, episode_started_on, episode_ended_on, reason_episode_ceased_code
    from episodes

),

final as (

    select
        periods.period_id,
        periods.la_code,
        periods.child_id,
        periods.period_started_on,
        last_episodes.episode_ended_on as period_ended_on,
        first_episodes.reason_new_episode_code = 'S' as has_known_start,
        last_episodes.reason_episode_ceased_code as reason_period_ceased_code,
        cast(periods.episode_count as integer) as episode_count,
        periods.looked_after_episode_count = 0 as is_short_breaks_only,
        periods.open_episode_count > 0 as is_open

    from periods
    inner join first_episodes on first_episodes.period_id = periods.period_id
    inner join last_episodes
        on last_episodes.period_id = periods.period_id
        and last_episodes.episode_started_on = periods.last_episode_started_on

)

select * from final
