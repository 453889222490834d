with

source as (

    select * from {{ source('raw', 'cin_section47') }}

),

renamed as (

    select
        {{ cin_record_id(["CINreferralDate", "S47ActualStartDate"]) }} as s47_enquiry_id,
        {{ cin_record_id(["CINreferralDate"]) }} as referral_id,
        la_code,
        LAchildID as child_id,
        CINreferralDate as referral_date,
        S47ActualStartDate as s47_start_date,
        InitialCPCtarget as initial_cpc_target_date,
        DateOfInitialCPC as initial_cpc_date,
        {{ cin_boolean('ICPCnotRequired') }} as is_icpc_not_required,
        collection_year,
        source_file,
        source_row_number,
        loaded_at

    from source

)

select * from renamed
