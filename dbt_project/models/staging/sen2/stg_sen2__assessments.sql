with

source as (

    select * from {{ source('raw', 'sen2_assessments') }}

),

renamed as (

    select
        la_code,
        PersonRef as person_id,
        ReceivedDate as received_date,
        AssessmentOutcome as assessment_outcome_code,
        AssessmentOutcomeDate as assessment_outcome_date,
        {{ cin_boolean('AssessmentMediation') }} as has_assessment_mediation,
        {{ cin_boolean('AssessmentTribunal') }} as has_assessment_tribunal,
        {{ cin_boolean('OtherMediation') }} as has_other_mediation,
        {{ cin_boolean('OtherTribunal') }} as has_other_tribunal,
        -- Week20 true means the 20-week time-limit exceptions apply (SEN2 guide, module 3).
        {{ cin_boolean('Week20') }} as is_week20_exception,
        collection_year,
        source_file,
        source_row_number,
        loaded_at

    from source

)

select * from renamed
