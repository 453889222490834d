{#- The label of a code from the `code_lists` seed, e.g. {{ code_label('ssda903_legal_status', 'LS') }}. The list is
    made into a map once and the code looked up in it: DuckDB cannot leave out a correlated subquery that a query
    never reads, so each staging view's labels cost every model that scans it, used or not. -#}
{% macro code_label(list_name, column) -%}
    (
        select map(list(code_lists.code), list(code_lists.label))
        from {{ ref('code_lists') }} as code_lists
        where code_lists.list_name = '{{ list_name }}'
    )[{{ column }}]
{%- endmacro %}
