{#- One row per child looked after at each month end, with the characteristics the measures break down by.
    An episode is open at D when it started on or before D and has no end or ends after D: an episode ending
    on 31 March is not open at 31 March. Short-break episodes (V3/V4) do not count, and a child is one row
    however many episodes are open. A child is UASC at D when in the UASC table with no date ceased (DUC)
    or one after D. Age band is the age on the month end (null without a header record). -#}
with

episodes as (

    select * from {{ ref('fct_cla_episodes') }}
    where not is_short_break

),

reporting_periods as (

    select * from {{ ref('int_cla_reporting_periods') }}

),

headers as (

    select * from {{ ref('stg_ssda903__headers') }}

),

uasc as (

    select * from {{ ref('stg_ssda903__uascs') }}

),

children_at_period_end as (

    select distinct
        reporting_periods.la_code,
        reporting_periods.period_end,
        reporting_periods.year_started_on,
        episodes.child_id

    from reporting_periods
    inner join episodes
        on episodes.la_code = reporting_periods.la_code
        and episodes.episode_started_on <= reporting_periods.period_end
        and (episodes.episode_ended_on is null or episodes.episode_ended_on > reporting_periods.period_end)

),

final as (

    select
        children_at_period_end.la_code,
        children_at_period_end.period_end,
        children_at_period_end.year_started_on,
        children_at_period_end.child_id,
        uasc.child_id is not null as is_uasc,
        {{ age_band('headers.birth_date', 'children_at_period_end.period_end') }} as age_band,
        {{ sex_from_code('headers.sex_code') }} as sex

    from children_at_period_end
    left join headers
        on headers.la_code = children_at_period_end.la_code
        and headers.child_id = children_at_period_end.child_id
    left join uasc
        on uasc.la_code = children_at_period_end.la_code
        and uasc.child_id = children_at_period_end.child_id
        -- One comparison, not `is null or`: DuckDB runs an outer join whose condition has an `or` as a nested loop.
        and coalesce(uasc.uasc_ceased_on, date '9999-12-31') > children_at_period_end.period_end

)

select * from final
