with

source as (

    select * from {{ source('raw', 'cin_child_characteristics') }}

),

renamed as (

    select
        la_code,
        LAchildID as child_id,
        Ethnicity as ethnicity_code,
        {{ code_label('ethnicity', 'Ethnicity') }} as ethnicity_label,
        collection_year,
        source_file,
        source_row_number,
        loaded_at

    from source

)

select * from renamed
