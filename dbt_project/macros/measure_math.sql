{#- The arithmetic of MEASURES.md, written once. -#}

{#- Percent measures: 100 x numerator / denominator, null when the denominator is 0. -#}
{% macro percent(numerator, denominator) -%}
    case when {{ denominator }} = 0 then null else 100.0 * {{ numerator }} / {{ denominator }} end
{%- endmacro %}

{#- Rates per 10,000 children aged 0-17. -#}
{% macro rate_per_10k(count, population) -%}
    case when {{ population }} is null or {{ population }} = 0 then null else 10000.0 * {{ count }} / {{ population }} end
{%- endmacro %}

{#- A measure's value from its numerator and denominator, by its unit (a column or a quoted literal). A count
    with a denominator is an average (cases per case-holding FTE); other counts and FTEs are their numerator. -#}
{% macro measure_value(unit, numerator, denominator) -%}
    case
        when {{ unit }} = 'percent' then {{ percent(numerator, denominator) }}
        when {{ unit }} = 'rate_per_10k' then {{ rate_per_10k(numerator, denominator) }}
        when {{ denominator }} is not null then case when {{ denominator }} > 0 then {{ numerator }} / {{ denominator }} end
        else {{ numerator }}
    end
{%- endmacro %}

{#- A sum of FTE, counts or anything else recorded to at most four decimals that is the same on every run. Floats
    added in the order DuckDB's parallel aggregation happens to take differ in the last digit from run to run:
    enough to put 15.4 leavers over 15.4 FTE at 100.00000000000001%. Summed as decimals it is exact. -#}
{% macro exact_sum(expression) -%}
    cast(sum(cast({{ expression }} as decimal(18, 4))) as double)
{%- endmacro %}
