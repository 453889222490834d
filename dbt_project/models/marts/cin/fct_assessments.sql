with

assessments as (

    select * from {{ ref('int_cin_assessments_timed') }}

),

final as (

    select
        assessment_id,
        referral_id,
        la_code,
        child_id,
        assessment_start_date,
        assessment_internal_review_date,
        assessment_authorisation_date,
        working_days_to_authorisation,
        is_within_45_working_days,
        source_file,
        source_row_number

    from assessments

)

select * from final
