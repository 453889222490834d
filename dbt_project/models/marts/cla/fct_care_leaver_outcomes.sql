{#- One row per OC3 record. The return covers young people whose 17th to 21st birthday falls in the
    collection year (1 April to 31 March), and describes them around that birthday: birthday_on is that
    birthday, so a year measure counts a record when its birthday falls in the 12 months it covers. -#}
with

outcomes as (

    select * from {{ ref('stg_ssda903__oc3s') }}

),

collection_years as (

    select
        *,
        cast(cast(left(collection_year, 4) as integer) || '-04-01' as date) as collection_year_started_on

    from outcomes

),

birthdays as (

    select
        *,
        cast({{ dbt.dateadd('year',
            'extract(year from collection_year_started_on) - extract(year from birth_date)', 'birth_date') }} as date)
            as birthday_in_start_year_on

    from collection_years

),

birthdays_in_year as (

    select
        *,
        case
            when birthday_in_start_year_on < collection_year_started_on
                then cast({{ dbt.dateadd('year', 1, 'birthday_in_start_year_on') }} as date)
            else birthday_in_start_year_on
        end as birthday_on

    from birthdays

),

final as (

    select
        {{ dbt.hash(dbt.concat(["la_code", "'|'", "child_id", "'|'", "collection_year"])) }} as care_leaver_outcome_id,
        la_code,
        child_id,
        collection_year,
        birthday_on,
        cast(extract(year from birthday_on) - extract(year from birth_date) as integer) as age_on_birthday,
        in_touch_code,
        in_touch_label,
        activity_code,
        activity_label,
        accommodation_code,
        accommodation_label,
        in_touch_code = 'YES' as is_in_touch,
        activity_code in ('F1', 'P1', 'F2', 'P2', 'F4', 'P4', 'F5', 'P5') as is_in_education_employment_training,
        {{ dbt.right('accommodation_code', 1) }} = '1' as is_suitable_accommodation,
        source_file,
        source_row_number

    from birthdays_in_year

)

select * from final
