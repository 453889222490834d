with

source as (

    select * from {{ source('raw', 'cin_plan_dates') }}

),

renamed as (

    select
        {{ cin_record_id(["CINreferralDate", "CINPlanStartDate"]) }} as cin_plan_id,
        {{ cin_record_id(["CINreferralDate"]) }} as referral_id,
        la_code,
        LAchildID as child_id,
        CINreferralDate as referral_date,
        CINPlanStartDate as plan_start_date,
        CINPlanEndDate as plan_end_date,
        collection_year,
        source_file,
        source_row_number,
        loaded_at

    from source

)

select * from renamed
