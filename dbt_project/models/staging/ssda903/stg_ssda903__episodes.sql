with

source as (

    select * from {{ source('raw', 'ssda903_episodes') }}

),

renamed as (

    select
        {{ dbt.hash(dbt.concat(["la_code", "'|'", "CHILD", "'|'", dbt.safe_cast("DECOM", api.Column.translate_type("string"))])) }}
            as episode_id,
        la_code,
        CHILD as child_id,
        DECOM as episode_started_on,
        DEC as episode_ended_on,
        RNE as reason_new_episode_code,
        {{ code_label('ssda903_reason_new_episode', 'RNE') }} as reason_new_episode_label,
        LS as legal_status_code,
        {{ code_label('ssda903_legal_status', 'LS') }} as legal_status_label,
        CIN as category_of_need_code,
        PLACE as placement_type_code,
        {{ code_label('ssda903_placement_type', 'PLACE') }} as placement_type_label,
        PLACE_PROVIDER as placement_provider_code,
        REC as reason_episode_ceased_code,
        {{ code_label('ssda903_reason_episode_ceased', 'REC') }} as reason_episode_ceased_label,
        REASON_PLACE_CHANGE as reason_place_change_code,
        HOME_POST as home_postcode_sector,
        PL_POST as placement_postcode_sector,
        URN as placement_urn,
        source_file,
        source_row_number,
        loaded_at

    from source

)

select * from renamed
