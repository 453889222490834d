with

source as (

    select * from {{ source('raw', 'ssda903_uasc') }}

),

renamed as (

    select
        la_code,
        CHILD as child_id,
        SEX as sex_code,
        {{ code_label('ssda903_sex', 'SEX') }} as sex_label,
        DOB as birth_date,
        DUC as uasc_ceased_on,
        collection_year,
        source_file,
        source_row_number,
        loaded_at

    from source

)

select * from renamed
