{#- Outcomes of children looked after for 12 months or more at 31 March of the collection year. Flags are
    '1'/'0' in the return; kept as booleans, null when not recorded. -#}
with

source as (

    select * from {{ source('raw', 'ssda903_oc2') }}

),

renamed as (

    select
        la_code,
        CHILD as child_id,
        DOB as birth_date,
        SDQ_SCORE as sdq_score,
        SDQ_REASON as sdq_reason_code,
        {{ code_label('ssda903_sdq_reason', 'SDQ_REASON') }} as sdq_reason_label,
        CONVICTED = '1' as is_convicted,
        HEALTH_CHECK = '1' as has_health_check,
        IMMUNISATIONS = '1' as has_immunisations,
        TEETH_CHECK = '1' as has_teeth_check,
        HEALTH_ASSESSMENT = '1' as has_health_assessment,
        SUBSTANCE_MISUSE = '1' as has_substance_misuse,
        INTERVENTION_RECEIVED = '1' as has_intervention_received,
        INTERVENTION_OFFERED = '1' as has_intervention_offered,
        collection_year,
        source_file,
        source_row_number,
        loaded_at

    from source

)

select * from renamed
