{#- Every published measure value (the contract of DESIGN.md and MEASURES.md). Each area's intermediate model
    computes its measures in this shape (la_code, measure_id, period_end, period_type, breakdown, numerator,
    denominator, value, unit); add an area with one `union all` line.
    A regional pool (more than one LA in the warehouse) also gets the pool's own value of every measure, under
    la_code 'pool': numerators and denominators summed over the LAs and the value worked from the sums (a rate
    over the pooled population, a percent over the pooled denominator). Team breakdowns stay per LA: teams are
    an LA's own. -#}
with

area_measures as (

    select * from {{ ref('int_cla_measures') }}
    union all select * from {{ ref('int_cin_measures') }}
    union all select * from {{ ref('int_send_measures') }}
    union all select * from {{ ref('int_neet_measures') }}
    union all select * from {{ ref('int_workforce_measures') }}

),

pooled_sums as (

    select
        'pool' as la_code,
        measure_id,
        period_end,
        period_type,
        breakdown,
        {{ exact_sum('numerator') }} as numerator,
        {{ exact_sum('denominator') }} as denominator,
        unit

    from area_measures
    where breakdown not like 'team=%'
    group by measure_id, period_end, period_type, breakdown, unit
    having (select count(distinct la_code) from area_measures) > 1

),

pooled_measures as (

    select
        la_code,
        measure_id,
        period_end,
        period_type,
        breakdown,
        numerator,
        denominator,
        cast({{ measure_value('unit', 'numerator', 'denominator') }} as double) as value,
        unit

    from pooled_sums

),

all_measures as (

    select * from area_measures
    union all
    select * from pooled_measures

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

    from all_measures

)

select * from final
