with

source as (

    select * from {{ source('raw', 'ssda903_header') }}

),

renamed as (

    select
        la_code,
        CHILD as child_id,
        SEX as sex_code,
        DOB as birth_date,
        ETHNIC as ethnicity_code,
        {{ code_label('ethnicity', 'ETHNIC') }} as ethnicity_label,
        UPN as upn_pseudonym,
        MOTHER = '1' as is_mother,
        MC_DOB as mothers_child_birth_date,
        source_file,
        source_row_number,
        loaded_at

    from source

)

select * from renamed
