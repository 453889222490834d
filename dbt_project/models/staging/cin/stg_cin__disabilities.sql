with

source as (

    select * from {{ source('raw', 'cin_disabilities') }}

),

renamed as (

    select
        la_code,
        LAchildID as child_id,
        Disability as disability_code,
        {{ code_label('cin_disability', 'Disability') }} as disability_label,
        collection_year,
        source_file,
        source_row_number,
        loaded_at

    from source

)

select * from renamed
