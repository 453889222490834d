with

source as (

    select * from {{ source('raw', 'nccis_activity') }}

),

renamed as (

    select
        {{ dbt.hash(dbt.concat(["la_code", "'|'", "YPID", "'|'", dbt.safe_cast("SNAPSHOT_DATE", api.Column.translate_type("string"))])) }}
            as activity_snapshot_id,
        la_code,
        YPID as young_person_id,
        LAchildID as child_id,
        DOB as birth_date,
        LA as residence_la_code,
        SNAPSHOT_DATE as snapshot_date,
        ACTIVITY as activity_code,
        {{ code_label('nccis_activity', 'ACTIVITY') }} as activity_label,
        ACTIVITY_START as activity_start_date,
        SEND as send_code,
        {{ code_label('nccis_send', 'SEND') }} as send_label,
        LAC = 'Y' as is_looked_after,
        CARE_LEAVER = 'Y' as is_care_leaver,
        collection_year,
        source_file,
        source_row_number,
        loaded_at

    from source

)

select * from renamed
