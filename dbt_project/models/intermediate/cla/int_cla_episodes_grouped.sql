{#- Every SSDA903 episode with the period of care and the placement it belongs to.
    A period of care starts with RNE S, or whenever an episode does not follow on from the previous one (the
    previous one ended on another day than this DECOM, or ended for a reason other than X1). A placement
    (with one carer) starts at the period's first episode and at every RNE S, P or B: L changes the legal
    status only, T and U move the child but keep the carer. Short-break episodes (V3/V4) belong to their
    period but to no placement. -#}
with

episodes as (

    select * from {{ ref('fct_cla_episodes') }}

),

with_previous as (

    select
        *,
        lag(episode_ended_on) over (
            partition by la_code, child_id order by episode_started_on
        ) as previous_episode_ended_on,
        lag(reason_episode_ceased_code) over (
            partition by la_code, child_id order by episode_started_on
        ) as previous_reason_episode_ceased_code,
        row_number() over (
            partition by la_code, child_id order by episode_started_on
        ) as episode_number

    from episodes

),

period_starts_flagged as (

    select
        *,
        episode_number = 1
            or reason_new_episode_code = 'S'
            or previous_episode_ended_on is null
            or previous_episode_ended_on <> episode_started_on
            or coalesce(previous_reason_episode_ceased_code, '') <> 'X1'
            as is_period_start

    from with_previous

),

periods_numbered as (

    select
        *,
        sum(case when is_period_start then 1 else 0 end) over (
            partition by la_code, child_id order by episode_started_on rows unbounded preceding
        ) as period_number

    from period_starts_flagged

),

periods_started as (

    select
        *,
        min(episode_started_on) over (partition by la_code, child_id, period_number) as period_started_on

    from periods_numbered

),

placement_episodes as (

    select
        episode_id,
        reason_new_episode_code in ('S', 'P', 'B')
            or lag(episode_id) over (
                partition by la_code, child_id, period_number order by episode_started_on
            ) is null
            as is_placement_start

    from periods_started
    where not is_short_break

),

placements_numbered as (

    select
        placement_episodes.episode_id,
        placement_episodes.is_placement_start,
        sum(case when placement_episodes.is_placement_start then 1 else 0 end) over (
            partition by periods_started.la_code, periods_started.child_id, periods_started.period_number
            order by periods_started.episode_started_on rows unbounded preceding
        ) as placement_number

    from placement_episodes
    inner join periods_started on periods_started.episode_id = placement_episodes.episode_id

),

placements_started as (

    select
        periods_started.episode_id,
        placements_numbered.is_placement_start,
        min(periods_started.episode_started_on) over (
            partition by periods_started.la_code, periods_started.child_id, periods_started.period_number,
                placements_numbered.placement_number
        ) as placement_started_on

    from placements_numbered
    inner join periods_started on periods_started.episode_id = placements_numbered.episode_id

),

final as (

    select
        periods_started.episode_id,
        periods_started.la_code,
        periods_started.child_id,
        {{ dbt.hash(dbt.concat(["periods_started.la_code", "'|'", "periods_started.child_id", "'|'",
            dbt.safe_cast("periods_started.period_started_on", api.Column.translate_type("string"))])) }}
            as period_id,
        case when placements_started.episode_id is not null then
            {{ dbt.hash(dbt.concat(["periods_started.la_code", "'|'", "periods_started.child_id", "'|'",
                dbt.safe_cast("placements_started.placement_started_on", api.Column.translate_type("string"))])) }}
        end as placement_id,
        periods_started.period_started_on,
        placements_started.placement_started_on,
        periods_started.episode_started_on,
        periods_started.episode_ended_on,
        periods_started.reason_new_episode_code,
        periods_started.legal_status_code,
        periods_started.placement_type_code,
        periods_started.placement_provider_code,
        periods_started.reason_episode_ceased_code,
        periods_started.is_short_break,
        periods_started.is_period_start,
        coalesce(placements_started.is_placement_start, false) as is_placement_start

    from periods_started
    left join placements_started on placements_started.episode_id = periods_started.episode_id

)

select * from final
