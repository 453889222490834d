{#- Child protection plans in start order per child, with the repeat flag of MEASURES.md `cp_repeat_pct`: the
    child had an earlier plan, seen in the data (an earlier CPPstartDate, any collection year) or recorded by
    the LA (NumberOfPreviousCPP > 0, which also covers plans before the data or in another LA). -#}
with

plans as (

    select * from {{ ref('stg_cin__child_protection_plans') }}

),

sequenced as (

    select
        *,
        row_number() over (partition by la_code, child_id order by plan_start_date) as plan_number,
        min(plan_start_date) over (partition by la_code, child_id) as first_plan_start_date

    from plans

),

final as (

    select
        cp_plan_id,
        referral_id,
        la_code,
        child_id,
        plan_start_date,
        plan_end_date,
        initial_category_of_abuse_code,
        initial_category_of_abuse_label,
        latest_category_of_abuse_code,
        latest_category_of_abuse_label,
        previous_cp_plans,
        plan_number,
        first_plan_start_date < plan_start_date or coalesce(previous_cp_plans, 0) > 0 as is_repeat_plan,
        plan_end_date is not null
            and plan_end_date >= {{ dbt.dateadd('year', 2, 'plan_start_date') }} as has_lasted_2_years_plus,
        source_file,
        source_row_number

    from sequenced

)

select * from final
