with

source as (

    select * from {{ source('raw', 'sen2_requests') }}

),

renamed as (

    select
        {{ dbt.hash(dbt.concat(["la_code", "'|'", "PersonRef", "'|'", dbt.safe_cast("ReceivedDate", api.Column.translate_type("string"))])) }}
            as request_id,
        la_code,
        PersonRef as person_id,
        ReceivedDate as received_date,
        RequestSource as request_source_code,
        {{ cin_boolean('RYA') }} as is_in_relevant_youth_accommodation,
        RequestOutcomeDate as request_outcome_date,
        RequestOutcome as request_outcome_code,
        {{ cin_boolean('RequestMediation') }} as has_request_mediation,
        {{ cin_boolean('RequestTribunal') }} as has_request_tribunal,
        Exported as exported_code,
        collection_year,
        source_file,
        source_row_number,
        loaded_at

    from source

)

select * from renamed
