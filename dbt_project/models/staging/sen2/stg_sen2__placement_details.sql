with

source as (

    select * from {{ source('raw', 'sen2_placement_details') }}

),

renamed as (

    select
        la_code,
        PersonRef as person_id,
        ReceivedDate as received_date,
        URN as school_urn,
        UKPRN as provider_ukprn,
        SENsetting as sen_setting_code,
        {{ code_label('sen2_sen_setting', 'SENsetting') }} as sen_setting_label,
        cast(PlacementRank as integer) as placement_rank,
        EntryDate as entered_on,
        LeavingDate as left_on,
        {{ cin_boolean('SENunitIndicator') }} as is_sen_unit,
        {{ cin_boolean('ResourcedProvisionIndicator') }} as is_resourced_provision,
        RES as residential_code,
        WBP as work_based_code,
        collection_year,
        source_file,
        source_row_number,
        loaded_at

    from source

)

select * from renamed
