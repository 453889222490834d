{#- Placement measures of the children looked after at each month end (open episode, not a short break).
    cla_3plus_placements_pct: placements in the 12 months to the month end = 1 for the placement the child
    was in when the year started (an episode that started before the year and had not ended before it) +
    the episodes starting in the year with RNE S, P, T, B or U; short-break episodes are no placement.
    cla_long_term_stability_pct: children under 16 whose period of care started 2.5 years (30 months) or
    more before the month end; of them, those whose current placement with one carer (fct_placements: L, T
    and U keep the carer) started 2 years or more before it.
    cla_placed_over_20_miles_pct needs a postcode-sector centroid table the warehouse does not hold: its rows
    carry nulls, as MEASURES.md says. -#}
with

episodes as (

    select * from {{ ref('fct_cla_episodes') }}
    where not is_short_break

),

periods as (

    select * from {{ ref('fct_cla_periods') }}

),

placements as (

    select * from {{ ref('fct_placements') }}

),

children_at_period_end as (

    select * from {{ ref('int_cla_children_looked_after') }}

),

reporting_periods as (

    select * from {{ ref('int_cla_reporting_periods') }}

),

placement_counts as (

    select
        children_at_period_end.la_code,
        children_at_period_end.child_id,
        children_at_period_end.period_end,
        max(case
            when episodes.episode_started_on < children_at_period_end.year_started_on then 1 else 0
        end)
        + sum(case
            when episodes.episode_started_on >= children_at_period_end.year_started_on
                and episodes.reason_new_episode_code in ('S', 'P', 'T', 'B', 'U') then 1 else 0
        end) as placements_in_year

    from children_at_period_end
    inner join episodes
        on episodes.la_code = children_at_period_end.la_code
        and episodes.child_id = children_at_period_end.child_id
        and episodes.episode_started_on <= children_at_period_end.period_end
        and (episodes.episode_ended_on is null or episodes.episode_ended_on >= children_at_period_end.year_started_on)

    group by children_at_period_end.la_code, children_at_period_end.child_id, children_at_period_end.period_end

),

long_term_children as (

    select
        children_at_period_end.la_code,
        children_at_period_end.child_id,
        children_at_period_end.period_end,
        max(case
            when placements.placement_started_on
                <= cast({{ dbt.dateadd('year', -2, 'children_at_period_end.period_end') }} as date) then 1 else 0
        end) as has_stable_carer

    from children_at_period_end
    inner join periods
        on periods.la_code = children_at_period_end.la_code
        and periods.child_id = children_at_period_end.child_id
        and periods.period_started_on <= children_at_period_end.period_end
        and (periods.period_ended_on is null or periods.period_ended_on > children_at_period_end.period_end)
    inner join placements
        on placements.period_id = periods.period_id
        and placements.placement_started_on <= children_at_period_end.period_end
        and (placements.placement_ended_on is null or placements.placement_ended_on > children_at_period_end.period_end)
    where children_at_period_end.age_band in ('under 1', '1-4', '5-9', '10-15')
        and periods.period_started_on
            <= cast({{ dbt.dateadd('month', -30, 'children_at_period_end.period_end') }} as date)

    group by children_at_period_end.la_code, children_at_period_end.child_id, children_at_period_end.period_end

),

placement_totals as (

    select
        la_code,
        period_end,
        count(*) as children,
        sum(case when placements_in_year >= 3 then 1 else 0 end) as children_3plus_placements

    from placement_counts
    group by la_code, period_end

),

stability_totals as (

    select
        la_code,
        period_end,
        count(*) as long_term_children,
        sum(has_stable_carer) as stable_children

    from long_term_children
    group by la_code, period_end

),

measured as (

    select
        reporting_periods.la_code,
        reporting_periods.period_end,
        coalesce(placement_totals.children, 0) as children,
        coalesce(placement_totals.children_3plus_placements, 0) as children_3plus_placements,
        coalesce(stability_totals.long_term_children, 0) as long_term_children,
        coalesce(stability_totals.stable_children, 0) as stable_children

    from reporting_periods
    left join placement_totals
        on placement_totals.la_code = reporting_periods.la_code
        and placement_totals.period_end = reporting_periods.period_end
    left join stability_totals
        on stability_totals.la_code = reporting_periods.la_code
        and stability_totals.period_end = reporting_periods.period_end

),

final as (

    {{ measure_rows('measured', 'cla_3plus_placements_pct', 'snapshot', 'percent',
        'children_3plus_placements', 'children') }}
    union all
    {{ measure_rows('measured', 'cla_long_term_stability_pct', 'snapshot', 'percent',
        'stable_children', 'long_term_children') }}
    union all
    {{ measure_rows('measured', 'cla_placed_over_20_miles_pct', 'snapshot', 'percent', 'null', 'null') }}

)

select * from final
