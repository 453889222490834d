{#- The columns and their types are the model's contract (_workforce__models.yml). -#}
with

teams as (

    select * from {{ ref('int_workforce_teams_summarised') }}

),

final as (

    select * from teams

)

select * from final
