{#- One row per child across the families, the grain of dim_child. Children known to social care are linked
    across the CIN census and SSDA903 by their pseudonymised LAchildID / CHILD. SEN2 has no LAchildID: its
    PersonRef is the child's UPN (or ULN), hashed with the same key, so a SEN2 person joins the social care child
    whose UPN it is, and is a child of their own when none has it. CCIS young people carry LAchildID only when
    social care knows them, so they join through it and are not added otherwise (unlinked, one young person
    could appear twice: in CCIS and in SEN2). -#}
with

cin_identifiers as (

    select * from {{ ref('stg_cin__child_identifiers') }}

),

cin_referrals as (

    select * from {{ ref('stg_cin__details') }}

),

cla_headers as (

    select * from {{ ref('stg_ssda903__headers') }}

),

cla_episodes as (

    select * from {{ ref('stg_ssda903__episodes') }}

),

sen2_persons as (

    select * from {{ ref('stg_sen2__persons') }}

),

{#- Every child id that a social care fact can carry, so that every fact finds its child. -#}
social_care_children as (

    select la_code, child_id from cin_identifiers
    union
    select la_code, child_id from cin_referrals
    union
    select la_code, child_id from cla_headers
    union
    select la_code, child_id from cla_episodes

),

social_care_upns as (

    select la_code, child_id, upn_pseudonym from cin_identifiers where upn_pseudonym is not null
    union
    select la_code, child_id, upn_pseudonym from cla_headers where upn_pseudonym is not null

),

sen2_matches as (

    select distinct
        sen2_persons.la_code,
        sen2_persons.person_id,
        social_care_upns.child_id

    from sen2_persons
    inner join social_care_upns
        on social_care_upns.la_code = sen2_persons.la_code
        and social_care_upns.upn_pseudonym = sen2_persons.person_id

),

{#- A UPN shared by two children, or a child recorded with two UPNs, is a data fault; the spine still keeps one
    row per child by linking each person to one child and each child to one person (the smallest ids). -#}
sen2_ranked as (

    select
        la_code,
        person_id,
        child_id,
        row_number() over (partition by la_code, person_id order by child_id) as rank_for_person,
        row_number() over (partition by la_code, child_id order by person_id) as rank_for_child

    from sen2_matches

),

sen2_links as (

    select la_code, person_id, child_id
    from sen2_ranked
    where rank_for_person = 1 and rank_for_child = 1

),

sen2_only_persons as (

    select distinct sen2_persons.la_code, sen2_persons.person_id
    from sen2_persons
    left join sen2_links
        on sen2_links.la_code = sen2_persons.la_code
        and sen2_links.person_id = sen2_persons.person_id
    where sen2_links.person_id is null

),

spine as (

    select
        social_care_children.la_code,
        social_care_children.child_id,
        sen2_links.person_id as sen2_person_id

    from social_care_children
    left join sen2_links
        on sen2_links.la_code = social_care_children.la_code
        and sen2_links.child_id = social_care_children.child_id

    union all

    select la_code, cast(null as {{ dbt.type_string() }}), person_id
    from sen2_only_persons

),

final as (

    select
        {{ dbt.hash(dbt.concat(["la_code", "'|'", "coalesce(child_id, 'sen2:' || sen2_person_id)"])) }} as child_key,
        la_code,
        child_id,
        sen2_person_id

    from spine

)

select * from final
