{#- A CIN census record's surrogate key: the census identifies a record by its child and the dates of the record
    and its parents (e.g. a CP plan by LAchildID, CINreferralDate and CPPstartDate), not by a sequence number, and
    the same child can appear in several LAs of a regional pool. -#}
{% macro cin_record_id(date_columns) -%}
    {%- set parts = ["la_code", "'|'", "LAchildID"] -%}
    {%- for column in date_columns -%}
        {%- do parts.extend(["'|'", dbt.safe_cast(column, api.Column.translate_type("string"))]) -%}
    {%- endfor -%}
    {{ dbt.hash(dbt.concat(parts)) }}
{%- endmacro %}

{#- CIN xml_boolean values (TRUE, FALSE, 1, 0) as booleans, through the `xml_boolean` code list. -#}
{% macro cin_boolean(column) -%}
    case {{ code_label('xml_boolean', column) }} when 'True' then true when 'False' then false end
{%- endmacro %}
