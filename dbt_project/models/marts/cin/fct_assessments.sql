{#- The columns and their types are the model's contract (_cin__models.yml). -#}
with

assessments as (

    select * from {{ ref('int_cin_assessments_timed') }}

),

final as (

    select * from assessments

)

select * from final
