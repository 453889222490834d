with

plans as (

    select * from {{ ref('stg_cin__plan_dates') }}

),

final as (

    select
        cin_plan_id,
        referral_id,
        la_code,
        child_id,
        plan_start_date,
        plan_end_date,
        source_file,
        source_row_number

    from plans

)

select * from final
