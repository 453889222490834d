{#- The label of a code from the `code_lists` seed, e.g. {{ code_label('ssda903_legal_status', 'LS') }}. -#}
{% macro code_label(list_name, column) -%}
    (
        select code_lists.label
        from {{ ref('code_lists') }} as code_lists
        where code_lists.list_name = '{{ list_name }}' and code_lists.code = {{ column }}
    )
{%- endmacro %}
