with

source as (

    select * from {{ source('raw', 'ssda903_reviews') }}

),

renamed as (

    select
        la_code,
        CHILD as child_id,
        DOB as birth_date,
        REVIEW as reviewed_on,
        REVIEW_CODE as review_code,
        {{ code_label('ssda903_review_code', 'REVIEW_CODE') }} as review_label,
        collection_year,
        source_file,
        source_row_number,
        loaded_at

    from source

)

select * from renamed
