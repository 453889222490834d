with

source as (

    select * from {{ source('raw', 'cin_details') }}

),

renamed as (

    select
        {{ cin_record_id(["CINreferralDate"]) }} as referral_id,
        la_code,
        LAchildID as child_id,
        CINreferralDate as referral_date,
        ReferralSource as referral_source_code,
        {{ code_label('cin_referral_source', 'ReferralSource') }} as referral_source_label,
        PrimaryNeedCode as primary_need_code,
        {{ code_label('cin_primary_need', 'PrimaryNeedCode') }} as primary_need_label,
        CINclosureDate as closure_date,
        ReasonForClosure as reason_for_closure_code,
        {{ code_label('cin_reason_for_closure', 'ReasonForClosure') }} as reason_for_closure_label,
        DateOfInitialCPC as initial_cpc_date,
        {{ cin_boolean('ReferralNFA') }} as is_referral_nfa,
        collection_year,
        source_file,
        source_row_number,
        loaded_at

    from source

)

select * from renamed
