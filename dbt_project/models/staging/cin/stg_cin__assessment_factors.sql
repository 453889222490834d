with

source as (

    select * from {{ source('raw', 'cin_assessment_factors') }}

),

renamed as (

    select
        {{ cin_record_id(["CINreferralDate", "AssessmentActualStartDate"]) }} as assessment_id,
        la_code,
        LAchildID as child_id,
        AssessmentFactors as assessment_factor_code,
        {{ code_label('cin_assessment_factor', 'AssessmentFactors') }} as assessment_factor_label,
        collection_year,
        source_file,
        source_row_number,
        loaded_at

    from source

)

select * from renamed
