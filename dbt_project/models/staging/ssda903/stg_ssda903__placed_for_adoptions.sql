with

source as (

    select * from {{ source('raw', 'ssda903_placed_for_adoption') }}

),

renamed as (

    select
        la_code,
        CHILD as child_id,
        DOB as birth_date,
        DATE_PLACED as placed_for_adoption_on,
        DATE_PLACED_CEASED as placed_for_adoption_ceased_on,
        REASON_PLACED_CEASED as reason_placed_ceased_code,
        {{ code_label('ssda903_reason_placed_ceased', 'REASON_PLACED_CEASED') }} as reason_placed_ceased_label,
        collection_year,
        source_file,
        source_row_number,
        loaded_at

    from source

)

select * from renamed
