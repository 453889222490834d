with

source as (

    select * from {{ source('raw', 'sen2_person') }}

),

renamed as (

    select
        la_code,
        PersonRef as person_id,
        PersonBirthDate as birth_date,
        Sex as sex_code,
        {{ code_label('cin_sex', 'Sex') }} as sex_label,
        Ethnicity as ethnicity_code,
        {{ code_label('ethnicity', 'Ethnicity') }} as ethnicity_label,
        UPN as upn_pseudonym,
        UniqueLearnerNumber as uln_pseudonym,
        collection_year,
        source_file,
        source_row_number,
        loaded_at

    from source

)

select * from renamed
