{#- The columns and their types are the model's contract (_cin__models.yml). -#}
with

plans as (

    select * from {{ ref('int_cin_cp_plans_sequenced') }}

),

final as (

    select * from plans

)

select * from final
