{#- One row per request for an EHC needs assessment with its assessment and the plan issued for it. A new plan
    is the first NamedPlan for the request (MEASURES.md); its timeliness is StartDate - ReceivedDate in days,
    20 weeks being 140 days. -#}
with

requests as (

    select * from {{ ref('stg_sen2__requests') }}

),

assessments as (

    select * from {{ ref('stg_sen2__assessments') }}

),

named_plans as (

    select * from {{ ref('stg_sen2__named_plans') }}

),

first_plans as (

    select
        request_id,
        plan_id,
        plan_started_on,
        plan_ceased_on,
        cease_reason_code,
        row_number() over (partition by request_id order by plan_started_on) as plan_number

    from named_plans

),

joined as (

    select
        requests.request_id,
        requests.la_code,
        requests.person_id,
        requests.received_date,
        requests.request_outcome_date,
        assessments.assessment_outcome_date,
        coalesce(assessments.is_week20_exception, false) as is_week20_exception,
        first_plans.plan_id,
        first_plans.plan_started_on,
        first_plans.plan_ceased_on,
        first_plans.cease_reason_code,
        {{ dbt.datediff('requests.received_date', 'first_plans.plan_started_on', 'day') }} as days_to_plan

    from requests
    left join assessments on assessments.request_id = requests.request_id
    left join first_plans
        on first_plans.request_id = requests.request_id
        and first_plans.plan_number = 1

),

final as (

    select
        *,
        case when plan_id is not null then days_to_plan <= 140 end as is_plan_within_20_weeks

    from joined

)

select * from final
