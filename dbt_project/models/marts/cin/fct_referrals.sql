{#- The columns and their types are the model's contract (_cin__models.yml). -#}
with

referrals as (

    select * from {{ ref('int_cin_referrals_sequenced') }}

),

final as (

    select * from referrals

)

select * from final
