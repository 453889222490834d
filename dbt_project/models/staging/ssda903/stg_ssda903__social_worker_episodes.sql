with

source as (

    select * from {{ source('raw', 'ssda903_sw_episodes') }}

),

renamed as (

    select
        la_code,
        CHILD as child_id,
        DOB as birth_date,
        SW_ID as social_worker_id,
        SW_DECOM as social_worker_started_on,
        SW_DEC as social_worker_ended_on,
        SW_REASON as social_worker_change_reason_code,
        {{ code_label('ssda903_sw_reason', 'SW_REASON') }} as social_worker_change_reason_label,
        collection_year,
        source_file,
        source_row_number,
        loaded_at

    from source

)

select * from renamed
