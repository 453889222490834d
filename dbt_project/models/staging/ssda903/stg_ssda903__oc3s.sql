with

source as (

    select * from {{ source('raw', 'ssda903_oc3') }}

),

renamed as (

    select
        la_code,
        CHILD as child_id,
        DOB as birth_date,
        IN_TOUCH as in_touch_code,
        {{ code_label('ssda903_oc3_in_touch', 'IN_TOUCH') }} as in_touch_label,
        ACTIV as activity_code,
        {{ code_label('ssda903_oc3_activity', 'ACTIV') }} as activity_label,
        ACCOM as accommodation_code,
        {{ code_label('ssda903_oc3_accommodation', 'ACCOM') }} as accommodation_label,
        collection_year,
        source_file,
        source_row_number,
        loaded_at

    from source

)

select * from renamed
