with

source as (

    select * from {{ source('raw', 'cin_assessments') }}

),

renamed as (

    select
        {{ cin_record_id(["CINreferralDate", "AssessmentActualStartDate"]) }} as assessment_id,
        {{ cin_record_id(["CINreferralDate"]) }} as referral_id,
        la_code,
        LAchildID as child_id,
        CINreferralDate as referral_date,
        AssessmentActualStartDate as assessment_start_date,
        AssessmentInternalReviewDate as assessment_internal_review_date,
        AssessmentAuthorisationDate as assessment_authorisation_date,
        collection_year,
        source_file,
        source_row_number,
        loaded_at

    from source

)

select * from renamed
