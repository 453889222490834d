{#- Every published measure value (the contract of DESIGN.md and MEASURES.md). Each area's intermediate model
    computes its measures in this shape (la_code, measure_id, period_end, period_type, breakdown, numerator,
    denominator, value, unit); add an area with one `union all` line. -#}
with

area_measures as (

    select * from {{ ref('int_cla_measures') }}
    union all select * from {{ ref('int_cin_measures') }}
    union all select * from {{ ref('int_send_measures') }}
    union all select * from {{ ref('int_neet_measures') }}
    union all select * from {{ ref('int_workforce_measures') }}

),

final as (

    select
        la_code,
        measure_id,
        period_end,
        period_type,
        breakdown,
        numerator,
        denominator,
        value,
        unit,
        false as is_suppressed

    from area_measures

)

select * from final
