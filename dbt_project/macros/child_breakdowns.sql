{#- The DfE age bands of a child born on `birth_date`, on `aged_on`; null when the birth date is unknown or
    after `aged_on` (callers say what such a child counts as). -#}
{% macro age_band(birth_date, aged_on) -%}
    case
        when {{ birth_date }} is null or {{ birth_date }} > {{ aged_on }} then null
        when cast({{ dbt.dateadd('year', 1, birth_date) }} as date) > {{ aged_on }} then 'under 1'
        when cast({{ dbt.dateadd('year', 5, birth_date) }} as date) > {{ aged_on }} then '1-4'
        when cast({{ dbt.dateadd('year', 10, birth_date) }} as date) > {{ aged_on }} then '5-9'
        when cast({{ dbt.dateadd('year', 16, birth_date) }} as date) > {{ aged_on }} then '10-15'
        else '16+'
    end
{%- endmacro %}

{#- male, female or unknown from a sex code of any family: SSDA903 SEX 1/2, CIN and SEN2 Sex M/F. -#}
{% macro sex_from_code(column) -%}
    case
        when {{ column }} in ('1', 'M') then 'male'
        when {{ column }} in ('2', 'F') then 'female'
        else 'unknown'
    end
{%- endmacro %}

{#- Each row of `relation` (one per child and period, with age_band, sex and is_uasc) once under 'all' and once
    under each breakdown it falls in; `columns` are the columns carried along. A child without an age band is
    in no age band row. -#}
{% macro child_breakdown_rows(relation, columns) -%}
    {%- set carried = columns | join(', ') -%}
    select {{ carried }}, 'all' as breakdown from {{ relation }}
    union all
    select {{ carried }}, {{ dbt.concat(["'age_band='", "age_band"]) }} from {{ relation }} where age_band is not null
    union all
    select {{ carried }}, {{ dbt.concat(["'sex='", "sex"]) }} from {{ relation }}
    union all
    select {{ carried }}, case when is_uasc then 'uasc=yes' else 'uasc=no' end from {{ relation }}
{%- endmacro %}
