with

episodes as (

    select * from {{ ref('stg_ssda903__episodes') }}

),

final as (

    select
        episode_id,
        la_code,
        child_id,
        episode_started_on,
        episode_ended_on,
        reason_new_episode_code,
        reason_new_episode_label,
        legal_status_code,
        legal_status_label,
        category_of_need_code,
        placement_type_code,
        placement_type_label,
        placement_provider_code,
        reason_episode_ceased_code,
        reason_episode_ceased_label,
        reason_place_change_code,
        legal_status_code in ('V3', 'V4') as is_short_break,
        episode_ended_on is null as is_open,
        source_file,
        source_row_number

    from episodes

)

select * from final
