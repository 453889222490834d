{#- The columns and their types are the model's contract (_send__models.yml). -#}
with

requests as (

    select * from {{ ref('int_ehcp_requests_joined') }}

),

final as (

    select * from requests

)

select * from final
