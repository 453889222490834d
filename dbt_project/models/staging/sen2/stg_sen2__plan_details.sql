with

source as (

    select * from {{ source('raw', 'sen2_plan_details') }}

),

renamed as (

    select
        {{ dbt.hash(dbt.concat(["la_code", "'|'", "PersonRef", "'|'", dbt.safe_cast("ReceivedDate", api.Column.translate_type("string")), "'|'", dbt.safe_cast("StartDate", api.Column.translate_type("string"))])) }}
            as plan_id,
        la_code,
        PersonRef as person_id,
        ReceivedDate as received_date,
        StartDate as plan_started_on,
        URN as school_urn,
        UKPRN as provider_ukprn,
        SENsetting as sen_setting_code,
        {{ code_label('sen2_sen_setting', 'SENsetting') }} as sen_setting_label,
        SENsettingOther as sen_setting_other,
        cast(PlacementRank as integer) as placement_rank,
        {{ cin_boolean('SENunitIndicator') }} as is_sen_unit,
        {{ cin_boolean('ResourcedProvisionIndicator') }} as is_resourced_provision,
        collection_year,
        source_file,
        source_row_number,
        loaded_at

    from source

)

select * from renamed
