with

enquiries as (

    select * from {{ ref('int_cin_s47_enquiries_timed') }}

),

final as (

    select
        s47_enquiry_id,
        referral_id,
        la_code,
        child_id,
        s47_start_date,
        initial_cpc_target_date,
        initial_cpc_date,
        is_icpc_not_required,
        working_days_to_initial_cpc,
        is_initial_cpc_within_15_working_days,
        source_file,
        source_row_number

    from enquiries

)

select * from final
