with

source as (

    select * from {{ source('raw', 'workforce_workers') }}

),

renamed as (

    select
        {{ dbt.hash(dbt.concat(["la_code", "'|'", "SWENo", "'|'", "Team", "'|'", "OrgRole", "'|'", dbt.safe_cast("RoleStartDate", api.Column.translate_type("string"))])) }}
            as worker_role_id,
        la_code,
        SWENo as worker_id,
        Team as team_name,
        OrgRole as org_role_code,
        {{ code_label('csww_org_role', 'OrgRole') }} as org_role_label,
        AgencyWorker = '1' as is_agency_worker,
        FTE as fte,
        RoleStartDate as role_started_on,
        RoleEndDate as role_ended_on,
        ReasonLeave as reason_leave_code,
        {{ code_label('csww_reason_leave', 'ReasonLeave') }} as reason_leave_label,
        StartOrigin as start_origin_code,
        {{ code_label('csww_start_origin', 'StartOrigin') }} as start_origin_label,
        LeaverDestination as leaver_destination_code,
        {{ code_label('csww_leaver_destination', 'LeaverDestination') }} as leaver_destination_label,
        source_file,
        source_row_number,
        loaded_at

    from source

)

select * from renamed
