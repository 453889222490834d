with

source as (

    select * from {{ source('raw', 'cin_cpp_reviews') }}

),

renamed as (

    select
        {{ cin_record_id(["CINreferralDate", "CPPstartDate"]) }} as cp_plan_id,
        la_code,
        LAchildID as child_id,
        CPPreviewDate as review_date,
        collection_year,
        source_file,
        source_row_number,
        loaded_at

    from source

)

select * from renamed
