{#- One row per placement with one carer: consecutive episodes in a period of care joined where RNE is L, T or
    U (int_cla_episodes_grouped). Short-break episodes (V3/V4) are no placement. -#}
with

episodes as (

    select * from {{ ref('int_cla_episodes_grouped') }}
    where placement_id is not null

),

placements as (

    select
        placement_id,
        period_id,
        la_code,
        child_id,
        min(placement_started_on) as placement_started_on,
        max(episode_started_on) as last_episode_started_on,
        count(*) as episode_count

    from episodes
    group by placement_id, period_id, la_code, child_id

),

first_episodes as (

    select placement_id, reason_new_episode_code, placement_type_code, placement_provider_code
    from episodes
    where is_placement_start

),

last_episodes as (

    select placement_id, episode_started_on, episode_ended_on, reason_episode_ceased_code
    from episodes

),

final as (

    select
        placements.placement_id,
        placements.period_id,
        placements.la_code,
        placements.child_id,
        placements.placement_started_on,
        last_episodes.episode_ended_on as placement_ended_on,
        first_episodes.reason_new_episode_code,
        first_episodes.placement_type_code,
        first_episodes.placement_provider_code,
        last_episodes.reason_episode_ceased_code as reason_placement_ceased_code,
        cast(placements.episode_count as integer) as episode_count,
        last_episodes.episode_ended_on is null as is_open

    from placements
    inner join first_episodes on first_episodes.placement_id = placements.placement_id
    inner join last_episodes
        on last_episodes.placement_id = placements.placement_id
        and last_episodes.episode_started_on = placements.last_episode_started_on

)

select * from final
