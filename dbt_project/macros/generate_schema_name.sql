{#- Schemas are named exactly as configured (raw, staging, marts ...), not prefixed with the target schema,
    because analysts and dashboards query them by those names. -#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- if custom_schema_name is none -%}{{ target.schema }}{%- else -%}{{ custom_schema_name | trim }}{%- endif -%}
{%- endmacro %}
