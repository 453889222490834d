with

teams as (

    select * from {{ ref('int_workforce_teams_summarised') }}

),

final as (

    select
        la_code,
        team_name,
        period_end,
        permanent_fte,
        agency_fte,
        funded_fte,
        vacant_fte,
        permanent_leaver_fte_12m,
        has_caseload_snapshot,
        cases_held,
        case_holding_fte

    from teams

)

select * from final
