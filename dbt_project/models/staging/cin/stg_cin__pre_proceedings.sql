{#- PreProceedingsandFGDM arrived in the 2025-26 census; earlier returns leave this view empty. -#}
with

source as (

    select * from {{ source('raw', 'cin_pre_proceedings') }}

),

renamed as (

    select
        {{ cin_record_id(["CINreferralDate", "PPStartDate"]) }} as pre_proceedings_id,
        {{ cin_record_id(["CINreferralDate"]) }} as referral_id,
        la_code,
        LAchildID as child_id,
        PPStartDate as pre_proceedings_started_on,
        LBPSentDate as letter_before_proceedings_sent_on,
        FGDMMeetingOffer as fgdm_meeting_offered_code,
        FGDMMeetingFac as fgdm_meeting_facilitated_code,
        InitialPPMeetingDate as initial_meeting_on,
        ReviewMeetingsCount as review_meetings_count,
        StepDecisionDate as step_decision_on,
        PPOutcome as outcome_code,
        CourtAppDate as court_application_on,
        LetterInitCPDate as letter_initiating_care_proceedings_on,
        collection_year,
        source_file,
        source_row_number,
        loaded_at

    from source

)

select * from renamed
