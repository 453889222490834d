with

entries as (

    select * from {{ ref('measure_catalogue_entries') }}

),

final as (

    select
        measure_id,
        name,
        area,
        unit,
        polarity,
        definition,
        source_family

    from entries

)

select * from final
