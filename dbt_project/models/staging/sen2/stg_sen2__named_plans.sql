with

source as (

    select * from {{ source('raw', 'sen2_named_plans') }}

),

renamed as (

    select
        {{ dbt.hash(dbt.concat(["la_code", "'|'", "PersonRef", "'|'", dbt.safe_cast("ReceivedDate", api.Column.translate_type("string")), "'|'", dbt.safe_cast("StartDate", api.Column.translate_type("string"))])) }}
            as plan_id,
        la_code,
        PersonRef as person_id,
        ReceivedDate as received_date,
        StartDate as plan_started_on,
        PlanRes as plan_residential_code,
        PlanWBP as plan_work_based_code,
        {{ cin_boolean('PB') }} as has_personal_budget,
        {{ cin_boolean('OA') }} as has_organised_arrangements,
        DP as direct_payments_code,
        CeaseDate as plan_ceased_on,
        CeaseReason as cease_reason_code,
        {{ code_label('sen2_cease_reason', 'CeaseReason') }} as cease_reason_label,
        collection_year,
        source_file,
        source_row_number,
        loaded_at

    from source

)

select * from renamed
