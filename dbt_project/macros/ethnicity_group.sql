{#- The major ethnic group of a DfE ethnicity code, as the children looked after statistics group them (Chinese
    counted with "Other ethnic groups"; refused and not obtained together). -#}
{% macro ethnicity_group(column) -%}
    case
        when {{ column }} in ('REFU', 'NOBT') or {{ column }} is null then 'Refused or not obtained'
        when {{ column }} like 'W%' then 'White'
        when {{ column }} like 'M%' then 'Mixed or Multiple ethnic groups'
        when {{ column }} like 'A%' then 'Asian or Asian British'
        when {{ column }} like 'B%' then 'Black, African, Caribbean or Black British'
        else 'Other ethnic groups'
    end
{%- endmacro %}
