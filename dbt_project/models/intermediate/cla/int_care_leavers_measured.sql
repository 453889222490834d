{#- Care leaver measures over the 12 months to each month end: OC3 records whose birthday (fct_care_leaver_outcomes)
    falls in those months, by age on that birthday: 19, 20 or 21, and 17 or 18. -#}
with

outcomes as (

    select * from {{ ref('fct_care_leaver_outcomes') }}

),

reporting_periods as (

    select * from {{ ref('int_cla_reporting_periods') }}

),

outcomes_grouped as (

    select
        *,
        case when age_on_birthday between 19 and 21 then 'aged_19_21' else 'aged_17_18' end as age_group

    from outcomes
    where age_on_birthday between 17 and 21

),

outcomes_in_year as (

    select
        outcomes_grouped.la_code,
        reporting_periods.period_end,
        outcomes_grouped.age_group,
        count(*) as care_leavers,
        sum(case when outcomes_grouped.is_in_touch then 1 else 0 end) as in_touch,
        sum(case when outcomes_grouped.is_in_education_employment_training then 1 else 0 end) as in_eet,
        sum(case when outcomes_grouped.is_suitable_accommodation then 1 else 0 end) as suitably_accommodated

    from outcomes_grouped
    inner join reporting_periods
        on reporting_periods.la_code = outcomes_grouped.la_code
        and outcomes_grouped.birthday_on between reporting_periods.year_started_on and reporting_periods.period_end
    group by outcomes_grouped.la_code, reporting_periods.period_end, outcomes_grouped.age_group

),

counted as (

    select
        reporting_periods.la_code,
        reporting_periods.period_end,
        coalesce(older.care_leavers, 0) as care_leavers_19_21,
        coalesce(older.in_touch, 0) as in_touch_19_21,
        coalesce(older.in_eet, 0) as in_eet_19_21,
        coalesce(older.suitably_accommodated, 0) as suitably_accommodated_19_21,
        coalesce(younger.care_leavers, 0) as care_leavers_17_18,
        coalesce(younger.in_eet, 0) as in_eet_17_18,
        coalesce(younger.suitably_accommodated, 0) as suitably_accommodated_17_18

    from reporting_periods
    left join outcomes_in_year as older
        on older.la_code = reporting_periods.la_code
        and older.period_end = reporting_periods.period_end
        and older.age_group = 'aged_19_21'
    left join outcomes_in_year as younger
        on younger.la_code = reporting_periods.la_code
        and younger.period_end = reporting_periods.period_end
        and younger.age_group = 'aged_17_18'

),

final as (

    {{ measure_rows('counted', 'care_leavers_19_21', 'year', 'count', 'care_leavers_19_21') }}
    union all
    {{ measure_rows('counted', 'care_leavers_19_21_in_touch_pct', 'year', 'percent',
        'in_touch_19_21', 'care_leavers_19_21') }}
    union all
    {{ measure_rows('counted', 'care_leavers_19_21_eet_pct', 'year', 'percent',
        'in_eet_19_21', 'care_leavers_19_21') }}
    union all
    {{ measure_rows('counted', 'care_leavers_19_21_suitable_accom_pct', 'year', 'percent',
        'suitably_accommodated_19_21', 'care_leavers_19_21') }}
    union all
    {{ measure_rows('counted', 'care_leavers_17_18_eet_pct', 'year', 'percent',
        'in_eet_17_18', 'care_leavers_17_18') }}
    union all
    {{ measure_rows('counted', 'care_leavers_17_18_suitable_accom_pct', 'year', 'percent',
        'suitably_accommodated_17_18', 'care_leavers_17_18') }}

)

select * from final
