{#- One block of measure_values rows for one measure, from `relation` (a CTE with la_code, period_end and the
    columns named in `numerator` / `denominator`); the value follows from the unit (see measure_value). -#}
{% macro measure_rows(relation, measure_id, period_type, unit, numerator, denominator=none, breakdown="'all'") -%}
    {%- set denominator = denominator if denominator is not none else 'null' -%}
    select
        la_code,
        '{{ measure_id }}' as measure_id,
        period_end,
        '{{ period_type }}' as period_type,
        {{ breakdown }} as breakdown,
        cast({{ numerator }} as double) as numerator,
        cast({{ denominator }} as double) as denominator,
        cast({{ measure_value("'" ~ unit ~ "'", numerator, denominator) }} as double) as value,
        '{{ unit }}' as unit
    from {{ relation }}
{%- endmacro %}
