{#- One block of measure_values rows for a children-looked-after measure, from `relation` (a CTE with la_code,
    period_end and the columns named in `numerator` / `denominator`). The value follows the unit: a count is
    its numerator, a percent uses `percent`, a rate per 10,000 `rate_per_10k` with the population as
    denominator. -#}
{% macro cla_measure_rows(relation, measure_id, period_type, unit, numerator, denominator=none, breakdown="'all'") -%}
    select
        la_code,
        '{{ measure_id }}' as measure_id,
        period_end,
        '{{ period_type }}' as period_type,
        {{ breakdown }} as breakdown,
        cast({{ numerator }} as double) as numerator,
        cast({{ denominator if denominator is not none else 'null' }} as double) as denominator,
        cast(
            {%- if unit == 'percent' %} {{ percent(numerator, denominator) }}
            {%- elif unit == 'rate_per_10k' %} {{ rate_per_10k(numerator, denominator) }}
            {%- else %} {{ numerator }}
            {%- endif %} as double
        ) as value,
        '{{ unit }}' as unit
    from {{ relation }}
{%- endmacro %}

