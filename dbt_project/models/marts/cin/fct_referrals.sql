with

referrals as (

    select * from {{ ref('int_cin_referrals_sequenced') }}

),

final as (

    select
        referral_id,
        la_code,
        child_id,
        referral_date,
        referral_source_code,
        referral_source_label,
        primary_need_code,
        primary_need_label,
        closure_date,
        reason_for_closure_code,
        reason_for_closure_label,
        is_referral_nfa,
        referral_number,
        previous_referral_date,
        is_rereferral_within_12_months,
        source_file,
        source_row_number

    from referrals

)

select * from final
