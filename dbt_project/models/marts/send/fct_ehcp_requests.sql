with

requests as (

    select * from {{ ref('int_ehcp_requests_joined') }}

),

final as (

    select
        request_id,
        la_code,
        person_id,
        received_date,
        request_outcome_date,
        assessment_outcome_date,
        is_week20_exception,
        plan_id,
        plan_started_on,
        plan_ceased_on,
        cease_reason_code,
        days_to_plan,
        is_plan_within_20_weeks

    from requests

)

select * from final
