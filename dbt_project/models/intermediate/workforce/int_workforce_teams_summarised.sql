{#- Social work workforce per LA, team and month end (MEASURES.md, CSWW terms): FTE in post, funded and vacant
    FTE, permanent leavers in the 12 months to the date and caseloads. A role record is in post at D when it
    started on or before D and has not ended by D (end null or after D). An establishment row holds from
    EffectiveFrom until the next row for the same team and role. Vacant FTE is max(0, funded - permanent in
    post) by team and role, so agency cover does not fill a vacancy and one role's surplus does not fill
    another's gap. A leaver is a permanent role record ending in the 12 months to the date whose worker is not in
    another permanent role the next day: a move between teams or roles is not turnover. Caseloads are
    counted only at dates with a caseload snapshot, over workers in a case-holder role (OrgRole 5) or holding
    cases. -#}
with

workers as (

    select * from {{ ref('stg_workforce__workers') }}

),

establishments as (

    select * from {{ ref('stg_workforce__establishments') }}

),

caseloads as (

    select * from {{ ref('stg_workforce__caseloads') }}

),

period_ends as (

    select * from {{ ref('int_period_ends') }}

),

teams as (

    select la_code, team_name from workers
    union
    select la_code, team_name from establishments

),

spine as (

    select
        teams.la_code,
        teams.team_name,
        period_ends.period_end,
        {{ dbt.last_day(dbt.dateadd('month', -12, 'period_ends.period_end'), 'month') }} as year_before

    from teams
    cross join period_ends

),

in_post as (

    select
        spine.la_code,
        spine.team_name,
        spine.period_end,
        workers.worker_id,
        workers.org_role_code,
        workers.is_agency_worker,
        workers.fte

    from spine
    inner join workers
        on workers.la_code = spine.la_code
        and workers.team_name = spine.team_name
        and workers.role_started_on <= spine.period_end
        and (workers.role_ended_on is null or workers.role_ended_on > spine.period_end)

),

fte_in_post as (

    select
        la_code,
        team_name,
        period_end,
        {{ exact_sum('case when is_agency_worker then 0 else fte end') }} as permanent_fte,
        {{ exact_sum('case when is_agency_worker then fte else 0 end') }} as agency_fte

    from in_post
    group by la_code, team_name, period_end

),

establishment_spans as (

    select
        *,
        lead(effective_from_date) over (
            partition by la_code, team_name, org_role_code order by effective_from_date
        ) as superseded_on

    from establishments

),

role_vacancies as (

    select
        spine.la_code,
        spine.team_name,
        spine.period_end,
        establishment_spans.funded_fte,
        establishment_spans.funded_fte - coalesce({{ exact_sum('case when not in_post.is_agency_worker then in_post.fte end') }}, 0)
            as funded_minus_permanent_fte

    from spine
    inner join establishment_spans
        on establishment_spans.la_code = spine.la_code
        and establishment_spans.team_name = spine.team_name
        and establishment_spans.effective_from_date <= spine.period_end
        and (establishment_spans.superseded_on is null or establishment_spans.superseded_on > spine.period_end)
    left join in_post
        on in_post.la_code = spine.la_code
        and in_post.team_name = spine.team_name
        and in_post.period_end = spine.period_end
        and in_post.org_role_code = establishment_spans.org_role_code

    group by spine.la_code, spine.team_name, spine.period_end, establishment_spans.org_role_code,
        establishment_spans.funded_fte

),

vacancies as (

    select
        la_code,
        team_name,
        period_end,
        {{ exact_sum('funded_fte') }} as funded_fte,
        {{ exact_sum('case when funded_minus_permanent_fte > 0 then funded_minus_permanent_fte else 0 end') }} as vacant_fte

    from role_vacancies
    group by la_code, team_name, period_end

),

next_permanent_roles as (

    select
        ended_roles.worker_role_id,
        count(later_roles.worker_role_id) as next_day_roles

    from workers as ended_roles
    left join workers as later_roles
        on later_roles.la_code = ended_roles.la_code
        and later_roles.worker_id = ended_roles.worker_id
        and later_roles.worker_role_id <> ended_roles.worker_role_id
        and not later_roles.is_agency_worker
        and later_roles.role_started_on <= {{ dbt.dateadd('day', 1, 'ended_roles.role_ended_on') }}
        and (later_roles.role_ended_on is null
            or later_roles.role_ended_on > {{ dbt.dateadd('day', 1, 'ended_roles.role_ended_on') }})
    where ended_roles.role_ended_on is not null
        and not ended_roles.is_agency_worker

    group by ended_roles.worker_role_id

),

permanent_leavers as (

    select workers.*
    from workers
    inner join next_permanent_roles
        on next_permanent_roles.worker_role_id = workers.worker_role_id
        and next_permanent_roles.next_day_roles = 0

),

leavers as (

    select
        spine.la_code,
        spine.team_name,
        spine.period_end,
        {{ exact_sum('permanent_leavers.fte') }} as permanent_leaver_fte

    from spine
    inner join permanent_leavers
        on permanent_leavers.la_code = spine.la_code
        and permanent_leavers.team_name = spine.team_name
        and permanent_leavers.role_ended_on > spine.year_before
        and permanent_leavers.role_ended_on <= spine.period_end

    group by spine.la_code, spine.team_name, spine.period_end

),

caseload_dates as (

    select distinct la_code, snapshot_date from caseloads

),

case_holders as (

    select
        in_post.la_code,
        in_post.team_name,
        in_post.period_end,
        in_post.fte,
        coalesce(caseloads.cases_held, 0) as cases_held

    from in_post
    left join caseloads
        on caseloads.la_code = in_post.la_code
        and caseloads.worker_id = in_post.worker_id
        and caseloads.snapshot_date = in_post.period_end
    where in_post.org_role_code = '5' or caseloads.cases_held > 0

),

caseload_totals as (

    select
        la_code,
        team_name,
        period_end,
        sum(cases_held) as cases_held,
        {{ exact_sum('fte') }} as case_holding_fte

    from case_holders
    group by la_code, team_name, period_end

),

final as (

    select
        spine.la_code,
        spine.team_name,
        spine.period_end,
        coalesce(fte_in_post.permanent_fte, 0) as permanent_fte,
        coalesce(fte_in_post.agency_fte, 0) as agency_fte,
        coalesce(vacancies.funded_fte, 0) as funded_fte,
        coalesce(vacancies.vacant_fte, 0) as vacant_fte,
        coalesce(leavers.permanent_leaver_fte, 0) as permanent_leaver_fte_12m,
        caseload_dates.snapshot_date is not null as has_caseload_snapshot,
        case when caseload_dates.snapshot_date is not null then coalesce(caseload_totals.cases_held, 0) end
            as cases_held,
        case when caseload_dates.snapshot_date is not null then coalesce(caseload_totals.case_holding_fte, 0) end
            as case_holding_fte

    from spine
    left join fte_in_post
        on fte_in_post.la_code = spine.la_code
        and fte_in_post.team_name = spine.team_name
        and fte_in_post.period_end = spine.period_end
    left join vacancies
        on vacancies.la_code = spine.la_code
        and vacancies.team_name = spine.team_name
        and vacancies.period_end = spine.period_end
    left join leavers
        on leavers.la_code = spine.la_code
        and leavers.team_name = spine.team_name
        and leavers.period_end = spine.period_end
    left join caseload_dates
        on caseload_dates.la_code = spine.la_code
        and caseload_dates.snapshot_date = spine.period_end
    left join caseload_totals
        on caseload_totals.la_code = spine.la_code
        and caseload_totals.team_name = spine.team_name
        and caseload_totals.period_end = spine.period_end

)

select * from final
