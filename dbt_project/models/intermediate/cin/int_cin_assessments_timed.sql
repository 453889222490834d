{#- Assessments with their length in working days (MEASURES.md `assessments_45wd_pct`): the working days after
    AssessmentActualStartDate up to and including AssessmentAuthorisationDate, from dim_date's working day
    numbers, so weekends and England bank holidays (Christmas, Easter) do not count. -#}
with

assessments as (

    select * from {{ ref('stg_cin__assessments') }}

),

dates as (

    select * from {{ ref('dim_date') }}

),

final as (

    select
        assessments.assessment_id,
        assessments.referral_id,
        assessments.la_code,
        assessments.child_id,
        assessments.assessment_start_date,
        assessments.assessment_internal_review_date,
        assessments.assessment_authorisation_date,
        authorised.working_day_number - started.working_day_number as working_days_to_authorisation,
        coalesce(authorised.working_day_number - started.working_day_number <= 45, false)
            as is_within_45_working_days,
        assessments.source_file,
        assessments.source_row_number

    from assessments
    left join dates as started on started.date_day = assessments.assessment_start_date
    left join dates as authorised on authorised.date_day = assessments.assessment_authorisation_date

)

select * from final
