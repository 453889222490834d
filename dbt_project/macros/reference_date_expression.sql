{#- The date the extracts describe: the `reference_date` var when the refresh passes one, else `fallback`. -#}
{% macro reference_date_expression(fallback) -%}
    {%- if var('reference_date') -%}
        cast('{{ var("reference_date") }}' as date)
    {%- else -%}
        {{ fallback }}
    {%- endif -%}
{%- endmacro %}
