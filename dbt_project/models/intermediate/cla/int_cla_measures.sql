{#- Children looked after and care leaver measures (MEASURES.md, SSDA903), one row per LA, measure, period end
    and breakdown, in the shape of measure_values. -#}
with

children_counted as (

    select * from {{ ref('int_cla_children_counted') }}

),

placements_measured as (

    select * from {{ ref('int_cla_placements_measured') }}

),

movements_counted as (

    select * from {{ ref('int_cla_movements_counted') }}

),

care_leavers_measured as (

    select * from {{ ref('int_care_leavers_measured') }}

),

final as (

    select * from children_counted
    union all
    select * from placements_measured
    union all
    select * from movements_counted
    union all
    select * from care_leavers_measured

)

select * from final
