{#- Who the children are, one row per child across the families, with what the analyst breaks measures down by.
    Where families disagree, SSDA903 (checked against the child's care record) wins, then the CIN census, then
    SEN2. Only the month of birth leaves the staging layer. -#}
with

spine as (

    select * from {{ ref('int_child_spine') }}

),

cla_headers as (

    select * from {{ ref('stg_ssda903__headers') }}

),

cla_episodes as (

    select * from {{ ref('stg_ssda903__episodes') }}

),

uasc_records as (

    select * from {{ ref('stg_ssda903__uascs') }}

),

care_leaver_records as (

    select * from {{ ref('stg_ssda903__oc3s') }}

),

cin_identifiers as (

    select * from {{ ref('stg_cin__child_identifiers') }}

),

cin_characteristics as (

    select * from {{ ref('stg_cin__child_characteristics') }}

),

cin_referrals as (

    select * from {{ ref('stg_cin__details') }}

),

sen2_persons as (

    select * from {{ ref('stg_sen2__persons') }}

),

sen2_plans as (

    select * from {{ ref('stg_sen2__named_plans') }}

),

ccis_activities as (

    select * from {{ ref('stg_nccis__activities') }}

),

{#- Children whose only episodes are short breaks (V3/V4) are not looked after in any DfE measure. -#}
looked_after_children as (

    select distinct la_code, child_id
    from cla_episodes
    where legal_status_code not in ('V3', 'V4')

),

{#- Flags are kept as one row per child so the joins below cannot multiply children. -#}
uasc_children as (

    select distinct la_code, child_id from uasc_records

),

care_leavers as (

    select distinct la_code, child_id from care_leaver_records

),

cin_children as (

    select distinct la_code, child_id from cin_referrals

),

ccis_children as (

    select distinct la_code, child_id from ccis_activities where child_id is not null

),

ehcp_persons as (

    select distinct la_code, person_id from sen2_plans where plan_ceased_on is null

),

attributed as (

    select
        spine.child_key,
        spine.la_code,
        spine.child_id,
        spine.sen2_person_id,
        coalesce(
            nullif({{ sex_from_code('cla_headers.sex_code') }}, 'unknown'),
            nullif(cin_identifiers.sex, 'unknown'),
            {{ sex_from_code('sen2_persons.sex_code') }}
        ) as sex,
        coalesce(cla_headers.ethnicity_code, cin_characteristics.ethnicity_code, sen2_persons.ethnicity_code)
            as ethnicity_code,
        coalesce(cla_headers.birth_date, cin_identifiers.birth_date, sen2_persons.birth_date) as birth_date,
        uasc_children.child_id is not null as is_uasc,
        cin_children.child_id is not null as is_known_to_cin,
        looked_after_children.child_id is not null as is_ever_looked_after,
        care_leavers.child_id is not null as is_care_leaver,
        ehcp_persons.person_id is not null as has_ehcp,
        ccis_children.child_id is not null as is_known_to_ccis

    from spine
    left join cla_headers
        on cla_headers.la_code = spine.la_code and cla_headers.child_id = spine.child_id
    left join cin_identifiers
        on cin_identifiers.la_code = spine.la_code and cin_identifiers.child_id = spine.child_id
    left join cin_characteristics
        on cin_characteristics.la_code = spine.la_code and cin_characteristics.child_id = spine.child_id
    left join sen2_persons
        on sen2_persons.la_code = spine.la_code and sen2_persons.person_id = spine.sen2_person_id
    left join uasc_children
        on uasc_children.la_code = spine.la_code and uasc_children.child_id = spine.child_id
    left join cin_children
        on cin_children.la_code = spine.la_code and cin_children.child_id = spine.child_id
    left join looked_after_children
        on looked_after_children.la_code = spine.la_code and looked_after_children.child_id = spine.child_id
    left join care_leavers
        on care_leavers.la_code = spine.la_code and care_leavers.child_id = spine.child_id
    left join ehcp_persons
        on ehcp_persons.la_code = spine.la_code and ehcp_persons.person_id = spine.sen2_person_id
    left join ccis_children
        on ccis_children.la_code = spine.la_code and ccis_children.child_id = spine.child_id

),

final as (

    select
        child_key,
        la_code,
        child_id,
        sen2_person_id,
        sex,
        ethnicity_code,
        {{ ethnicity_group('ethnicity_code') }} as ethnicity_group,
        cast({{ dbt.date_trunc('month', 'birth_date') }} as date) as birth_month,
        is_uasc,
        is_known_to_cin,
        is_ever_looked_after,
        is_care_leaver,
        has_ehcp,
        is_known_to_ccis

    from attributed

)

select * from final
