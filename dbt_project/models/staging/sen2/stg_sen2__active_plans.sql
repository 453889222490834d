with

source as (

    select * from {{ source('raw', 'sen2_active_plans') }}

),

renamed as (

    select
        la_code,
        PersonRef as person_id,
        ReceivedDate as received_date,
        TransferLA as transfer_la_code,
        ReviewMeeting as review_meeting_date,
        ReviewOutcome as review_outcome_code,
        ReviewDraft as review_draft_date,
        PhaseTransferDueDate as phase_transfer_due_date,
        PhaseTransferFinalDate as phase_transfer_final_date,
        LastReview as last_review_date,
        collection_year,
        source_file,
        source_row_number,
        loaded_at

    from source

)

select * from renamed
