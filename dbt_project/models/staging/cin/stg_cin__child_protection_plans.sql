with

source as (

    select * from {{ source('raw', 'cin_child_protection_plans') }}

),

renamed as (

    select
        {{ cin_record_id(["CINreferralDate", "CPPstartDate"]) }} as cp_plan_id,
        {{ cin_record_id(["CINreferralDate"]) }} as referral_id,
        la_code,
        LAchildID as child_id,
        CINreferralDate as referral_date,
        CPPstartDate as plan_start_date,
        CPPendDate as plan_end_date,
        InitialCategoryOfAbuse as initial_category_of_abuse_code,
        {{ code_label('cin_category_of_abuse', 'InitialCategoryOfAbuse') }} as initial_category_of_abuse_label,
        LatestCategoryOfAbuse as latest_category_of_abuse_code,
        {{ code_label('cin_category_of_abuse', 'LatestCategoryOfAbuse') }} as latest_category_of_abuse_label,
        {{ dbt.safe_cast("NumberOfPreviousCPP", api.Column.translate_type("integer")) }} as previous_cp_plans,
        collection_year,
        source_file,
        source_row_number,
        loaded_at

    from source

)

select * from renamed
