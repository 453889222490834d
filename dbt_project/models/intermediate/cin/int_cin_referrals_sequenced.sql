{#- Referrals with the child's previous referral (MEASURES.md `rereferrals_12m_pct`): a referral is a re-referral
    when the same child had an earlier referral dated in [R - 12 months, R). A previous referral exactly 12 months
    before R is inside that window, so it counts. A child has one referral per date (the census key), so the
    previous referral is simply the one before in date order. -#}
with

referrals as (

    select * from {{ ref('stg_cin__details') }}

),

sequenced as (

    select
        *,
        row_number() over (partition by la_code, child_id order by referral_date) as referral_number,
        lag(referral_date) over (partition by la_code, child_id order by referral_date) as previous_referral_date

    from referrals

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
        coalesce(
            previous_referral_date >= {{ dbt.dateadd('month', -12, 'referral_date') }}, false
        ) as is_rereferral_within_12_months,
        source_file,
        source_row_number

    from sequenced

)

select * from final
