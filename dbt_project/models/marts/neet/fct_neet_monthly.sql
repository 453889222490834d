with

activities as (

    select * from {{ ref('int_neet_activities_classified') }}

),

final as (

    select
        activity_snapshot_id,
        la_code,
        young_person_id,
        child_id,
        snapshot_date,
        academic_year_start_year,
        academic_age,
        activity_code,
        activity_label,
        activity_start_date,
        send_code,
        is_looked_after,
        is_care_leaver,
        is_in_cohort,
        is_neet,
        is_not_known

    from activities

)

select * from final
