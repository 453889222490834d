{#- Each CCIS month-end row with the young person's academic age and NEET / not known status (MEASURES.md,
    FORMATS.md 1.5 and 1.7). Academic age is the age on the 31 August before the academic year that holds the
    snapshot (academic years start on 1 September). The 16-17 cohort excludes young adult offenders in custody
    (710). NEET is 540 or 610-680: 550 (work not for reward with study) counts as employment in the current
    lists, so it is in the cohort but not NEET. Not known is 810, 820 or 830. -#}
with

activities as (

    select * from {{ ref('stg_nccis__activities') }}

),

academic_years as (

    select
        *,
        case
            when extract(month from snapshot_date) >= 9 then extract(year from snapshot_date)
            else extract(year from snapshot_date) - 1
        end as academic_year_start_year

    from activities

),

aged as (

    select
        *,
        cast(
            academic_year_start_year - extract(year from birth_date)
            - case when extract(month from birth_date) > 8 then 1 else 0 end
        as integer) as academic_age

    from academic_years

),

final as (

    select
        activity_snapshot_id,
        la_code,
        young_person_id,
        child_id,
        snapshot_date,
        cast(academic_year_start_year as integer) as academic_year_start_year,
        academic_age,
        activity_code,
        activity_label,
        activity_start_date,
        send_code,
        is_looked_after,
        is_care_leaver,
        academic_age in (16, 17) and activity_code <> '710' as is_in_cohort,
        activity_code = '540' or cast(activity_code as integer) between 610 and 680 as is_neet,
        activity_code in ('810', '820', '830') as is_not_known

    from aged

)

select * from final
