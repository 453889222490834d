{#- The arithmetic of MEASURES.md, written once. -#}

{#- Percent measures: 100 x numerator / denominator, null when the denominator is 0. -#}
{% macro percent(numerator, denominator) -%}
    case when {{ denominator }} = 0 then null else 100.0 * {{ numerator }} / {{ denominator }} end
{%- endmacro %}

{#- Rates per 10,000 children aged 0-17. -#}
{% macro rate_per_10k(count, population) -%}
    case when {{ population }} is null or {{ population }} = 0 then null else 10000.0 * {{ count }} / {{ population }} end
{%- endmacro %}
