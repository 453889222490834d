{#- DATE_PERM stays text: the DfE allows an unknown day or month written 'zz'. -#}
with

source as (

    select * from {{ source('raw', 'ssda903_prev_perm') }}

),

renamed as (

    select
        la_code,
        CHILD as child_id,
        DOB as birth_date,
        PREV_PERM as previous_permanence_code,
        {{ code_label('ssda903_prev_perm', 'PREV_PERM') }} as previous_permanence_label,
        LA_PERM as previous_permanence_la_code,
        DATE_PERM as previous_permanence_date_text,
        collection_year,
        source_file,
        source_row_number,
        loaded_at

    from source

)

select * from renamed
