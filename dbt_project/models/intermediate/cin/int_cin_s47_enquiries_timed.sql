{#- Section 47 enquiries with the working days from S47ActualStartDate to the initial child protection conference
    (MEASURES.md `icpc_15wd_pct`), counted after the start up to and including the conference day. -#}
with

enquiries as (

    select * from {{ ref('stg_cin__section47_enquiries') }}

),

dates as (

    select * from {{ ref('dim_date') }}

),

final as (

    select
        enquiries.s47_enquiry_id,
        enquiries.referral_id,
        enquiries.la_code,
        enquiries.child_id,
        enquiries.s47_start_date,
        enquiries.initial_cpc_target_date,
        enquiries.initial_cpc_date,
        enquiries.is_icpc_not_required,
        conference.working_day_number - started.working_day_number as working_days_to_initial_cpc,
        coalesce(conference.working_day_number - started.working_day_number <= 15, false)
            as is_initial_cpc_within_15_working_days,
        enquiries.source_file,
        enquiries.source_row_number

    from enquiries
    left join dates as started on started.date_day = enquiries.s47_start_date
    left join dates as conference on conference.date_day = enquiries.initial_cpc_date

)

select * from final
