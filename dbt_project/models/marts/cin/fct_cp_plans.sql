with

plans as (

    select * from {{ ref('int_cin_cp_plans_sequenced') }}

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
        is_repeat_plan,
        has_lasted_2_years_plus,
        source_file,
        source_row_number

    from plans

)

select * from final
