{#- GenderCurrent (up to 2023-24) and Sex (from 2024-25) are folded into one `sex` so that children are broken
    down the same way across collection years. -#}
with

source as (

    select * from {{ source('raw', 'cin_child_identifiers') }}

),

renamed as (

    select
        la_code,
        LAchildID as child_id,
        UPN as upn_pseudonym,
        FormerUPN as former_upn_pseudonym,
        UPNunknown as upn_unknown_code,
        {{ code_label('upn_unknown', 'UPNunknown') }} as upn_unknown_label,
        PersonBirthDate as birth_date,
        ExpectedPersonBirthDate as expected_birth_date,
        PersonDeathDate as death_date,
        GenderCurrent as gender_current_code,
        {{ code_label('cin_gender_current', 'GenderCurrent') }} as gender_current_label,
        Sex as sex_code,
        {{ code_label('cin_sex', 'Sex') }} as sex_label,
        case
            when Sex = 'M' or GenderCurrent = '1' then 'male'
            when Sex = 'F' or GenderCurrent = '2' then 'female'
            else 'unknown'
        end as sex,
        collection_year,
        source_file,
        source_row_number,
        loaded_at

    from source

)

select * from renamed
