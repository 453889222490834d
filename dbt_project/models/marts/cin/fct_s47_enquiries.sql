{#- The columns and their types are the model's contract (_cin__models.yml). -#}
with

enquiries as (

    select * from {{ ref('int_cin_s47_enquiries_timed') }}

),

final as (

    select * from enquiries

)

select * from final
