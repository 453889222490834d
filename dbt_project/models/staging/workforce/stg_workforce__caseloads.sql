with

source as (

    select * from {{ source('raw', 'workforce_caseloads') }}

),

renamed as (

    select
        {{ dbt.hash(dbt.concat(["la_code", "'|'", "SWENo", "'|'", dbt.safe_cast("SnapshotDate", api.Column.translate_type("string"))])) }}
            as caseload_snapshot_id,
        la_code,
        SWENo as worker_id,
        SnapshotDate as snapshot_date,
        Cases as cases_held,
        source_file,
        source_row_number,
        loaded_at

    from source

)

select * from renamed
