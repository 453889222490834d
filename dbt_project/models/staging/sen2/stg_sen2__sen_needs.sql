with

source as (

    select * from {{ source('raw', 'sen2_sen_needs') }}

),

renamed as (

    select
        la_code,
        PersonRef as person_id,
        ReceivedDate as received_date,
        SENtype as sen_type_code,
        {{ code_label('sen2_sen_type', 'SENtype') }} as sen_type_label,
        cast(SENtypeRank as integer) as sen_type_rank,
        collection_year,
        source_file,
        source_row_number,
        loaded_at

    from source

)

select * from renamed
