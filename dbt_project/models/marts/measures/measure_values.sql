{#- Every published measure value (the contract of DESIGN.md and MEASURES.md). Each area's intermediate model
    computes its measures in this shape; this model unions them. -#}
with

cla_measures as (

    select * from {{ ref('int_cla_measures') }}

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

    from cla_measures

)

select * from final
