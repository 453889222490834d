with

source as (

    select * from {{ source('raw', 'workforce_establishment') }}

),

renamed as (

    select
        {{ dbt.hash(dbt.concat(["la_code", "'|'", "Team", "'|'", "OrgRole", "'|'", dbt.safe_cast("EffectiveFrom", api.Column.translate_type("string"))])) }}
            as establishment_id,
        la_code,
        Team as team_name,
        OrgRole as org_role_code,
        {{ code_label('csww_org_role', 'OrgRole') }} as org_role_label,
        EffectiveFrom as effective_from_date,
        FundedFTE as funded_fte,
        source_file,
        source_row_number,
        loaded_at

    from source

)

select * from renamed
