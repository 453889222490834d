{#- The columns and their types are the model's contract (_neet__models.yml). -#}
with

activities as (

    select * from {{ ref('int_neet_activities_classified') }}

),

final as (

    select * from activities

)

select * from final
