with

source as (

    select * from {{ source('raw', 'ssda903_missing') }}

),

renamed as (

    select
        la_code,
        CHILD as child_id,
        DOB as birth_date,
        MISSING as missing_type_code,
        {{ code_label('ssda903_missing', 'MISSING') }} as missing_type_label,
        MIS_START as missing_started_on,
        MIS_END as missing_ended_on,
        collection_year,
        source_file,
        source_row_number,
        loaded_at

    from source

)

select * from renamed
