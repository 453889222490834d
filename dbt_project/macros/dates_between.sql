{#- One row per day from `start_date` to `end_date` (both included), as `date_day`. DuckDB has range();
    other warehouses get a portable recursive CTE. -#}
{% macro dates_between(start_date, end_date) -%}
    {{ return(adapter.dispatch('dates_between')(start_date, end_date)) }}
{%- endmacro %}

{% macro duckdb__dates_between(start_date, end_date) -%}
    select cast(range as date) as date_day
    from range(cast({{ start_date }} as date), cast({{ end_date }} as date) + interval 1 day, interval 1 day)
{%- endmacro %}

{% macro default__dates_between(start_date, end_date) -%}
    with recursive days as (
        select cast({{ start_date }} as date) as date_day
        union all
        select cast({{ dbt.dateadd('day', 1, 'date_day') }} as date) from days
        where date_day < cast({{ end_date }} as date)
    )
    select date_day from days
{%- endmacro %}
