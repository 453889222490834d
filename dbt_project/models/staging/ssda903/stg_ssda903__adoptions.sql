with

source as (

    select * from {{ source('raw', 'ssda903_ad1') }}

),

renamed as (

    select
        la_code,
        CHILD as child_id,
        DOB as birth_date,
        DATE_INT as decision_to_adopt_on,
        DATE_MATCH as matched_on,
        FOSTER_CARE = '1' as is_foster_carer_adoption,
        NB_ADOPTR as number_of_adopters_code,
        SEX_ADOPTR as adopter_sex_code,
        {{ code_label('ssda903_sex_adopter', 'SEX_ADOPTR') }} as adopter_sex_label,
        LS_ADOPTR as adopter_legal_status_code,
        {{ code_label('ssda903_ls_adopter', 'LS_ADOPTR') }} as adopter_legal_status_label,
        collection_year,
        source_file,
        source_row_number,
        loaded_at

    from source

)

select * from renamed
