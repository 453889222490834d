{#- Every day from 2000 to 2035: month ends, financial years and working days (Monday to Friday, not an England
    and Wales bank holiday). `working_day_number` counts working days up to and including the day, so the working
    days from A to B (after A, up to and including B, as MEASURES.md counts them) are
    working_day_number(B) - working_day_number(A). -#}
with

days as (

    {{ dates_between("'2000-01-01'", "'2035-12-31'") }}

),

bank_holidays as (

    select * from {{ ref('bank_holidays') }}

),

flagged as (

    select
        days.date_day,
        {{ dbt.last_day('days.date_day', 'month') }} as month_end_on,
        extract(isodow from days.date_day) <= 5 as is_weekday,
        bank_holidays.holiday_on is not null as is_bank_holiday
    from days
    left join bank_holidays on bank_holidays.holiday_on = days.date_day

),

final as (

    select
        date_day,
        cast(month_end_on as date) as month_end_on,
        date_day = month_end_on as is_month_end,
        extract(month from date_day) = 3 and extract(day from date_day) = 31 as is_statutory_year_end,
        case
            when extract(month from date_day) >= 4
                then cast(extract(year from date_day) as integer)
            else cast(extract(year from date_day) as integer) - 1
        end as financial_year_start,
        is_weekday,
        is_bank_holiday,
        is_weekday and not is_bank_holiday as is_working_day,
        cast(sum(case when is_weekday and not is_bank_holiday then 1 else 0 end) over (order by date_day) as integer)
            as working_day_number
    from flagged

)

select * from final
