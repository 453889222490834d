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

persons as (

    select * from {{ ref('stg_sen2__persons') }}

),

first_plans as (

    select
        la_code,
        person_id,
        received_date,
        plan_id,
        plan_started_on,
        plan_ceased_on,
        cease_reason_code,
        row_number() over (partition by la_code, person_id, received_date order by plan_started_on) as plan_number

    from named_plans

),

joined as (

    select
        requests.request_id,
        requests.la_code,
        requests.person_id,
        case persons.sex_code when 'M' then 'male' when 'F' then 'female' else 'unknown' end as sex,
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
    left join persons
        on persons.la_code = requests.la_code
        and persons.person_id = requests.person_id
    left join assessments
        on assessments.la_code = requests.la_code
        and assessments.person_id = requests.person_id
        and assessments.received_date = requests.received_date
    left join first_plans
        on first_plans.la_code = requests.la_code
        and first_plans.person_id = requests.person_id
        and first_plans.received_date = requests.received_date
        and first_plans.plan_number = 1

),

final as (

    select
        *,
        case when plan_id is not null then days_to_plan <= 140 end as is_plan_within_20_weeks

    from joined

)

select * from final
