{#- Children in need and child protection measures (MEASURES.md, CIN census) in the shape of `measure_values`.
    Year measures count records (referrals, assessments, enquiries, conferences, plans) dated in the 12 months
    ending at the period end; snapshot measures count children once, however many episodes or plans they have
    open at the period end (start <= D and no end or end > D: a plan ending on 31 March is not open then).
    Every measure has an 'all' row at every period end, zero included. Children in need and on a plan at the
    date are also broken down by sex and by age band on the period end, as DfE publishes them; referrals,
    assessments, section 47 enquiries and CP plan starts by sex and by age band on the record's date. -#}

{#- measure_id, record kind, numerator (records = all of the kind, flagged = the flagged ones), unit -#}
{%- set measures = [
    ('referrals', 'referral', 'records', 'count'),
    ('referral_rate_per_10k', 'referral', 'records', 'rate_per_10k'),
    ('rereferrals_12m_pct', 'referral', 'flagged', 'percent'),
    ('referrals_nfa_pct', 'referral_nfa', 'flagged', 'percent'),
    ('assessments_completed', 'assessment', 'records', 'count'),
    ('assessments_45wd_pct', 'assessment', 'flagged', 'percent'),
    ('cin_at_date', 'cin', 'records', 'count'),
    ('cin_rate_per_10k', 'cin', 'records', 'rate_per_10k'),
    ('cin_plans_at_date', 'cin_plan', 'records', 'count'),
    ('s47_enquiries', 's47', 'records', 'count'),
    ('s47_rate_per_10k', 's47', 'records', 'rate_per_10k'),
    ('icpcs', 'icpc', 'records', 'count'),
    ('icpc_15wd_pct', 'icpc', 'flagged', 'percent'),
    ('cp_at_date', 'cp', 'records', 'count'),
    ('cp_rate_per_10k', 'cp', 'records', 'rate_per_10k'),
    ('cp_starts', 'cp_start', 'records', 'count'),
    ('cp_repeat_pct', 'cp_start', 'flagged', 'percent'),
    ('cp_2yrs_plus_at_date_pct', 'cp', 'flagged', 'percent'),
    ('cp_ended_2yrs_plus_pct', 'cp_end', 'flagged', 'percent'),
] -%}
{%- set snapshot_kinds = ['cin', 'cin_plan', 'cp'] -%}
{%- set kinds_broken_down = ['cin', 'cp', 'referral', 'referral_nfa', 'assessment', 's47', 'cp_start'] -%}

with

referrals as (

    select * from {{ ref('fct_referrals') }}

),

assessments as (

    select * from {{ ref('fct_assessments') }}

),

s47_enquiries as (

    select * from {{ ref('fct_s47_enquiries') }}

),

cp_plans as (

    select * from {{ ref('fct_cp_plans') }}

),

cin_plans as (

    select * from {{ ref('fct_cin_plans') }}

),

children as (

    select * from {{ ref('stg_cin__child_identifiers') }}

),

period_ends as (

    select * from {{ ref('int_period_ends') }}

),

population as (

    select * from {{ ref('int_population_at_period_ends') }}

),

local_authorities as (

    select distinct la_code from referrals

),

periods as (

    select
        local_authorities.la_code,
        period_ends.period_end,
        cast({{ dbt.dateadd('day', 1, dbt.last_day(dbt.dateadd('month', -12, 'period_ends.period_end'), 'month')) }} as date)
            as period_start

    from period_ends
    cross join local_authorities

),

{#- `is_flagged` marks the percent measures' numerators; `aged_on` is the date the child's age band is taken on:
    the record's date, or the period end. -#}
{%- set year_records = [
    ('referral', 'referrals', 'referral_date', 'is_rereferral_within_12_months'),
    ('referral_nfa', 'referrals', 'referral_date', 'coalesce(is_referral_nfa, false)'),
    ('assessment', 'assessments', 'assessment_authorisation_date', 'is_within_45_working_days'),
    ('s47', 's47_enquiries', 's47_start_date', 'false'),
    ('icpc', 's47_enquiries', 'initial_cpc_date', 'is_initial_cpc_within_15_working_days'),
    ('cp_start', 'cp_plans', 'plan_start_date', 'is_repeat_plan'),
    ('cp_end', 'cp_plans', 'plan_end_date', 'has_lasted_2_years_plus'),
] -%}
{%- set snapshot_records = [
    ('cin', 'referrals', 'referral_date', 'closure_date', 'false'),
    ('cin_plan', 'cin_plans', 'plan_start_date', 'plan_end_date', 'false'),
    ('cp', 'cp_plans', 'plan_start_date', 'plan_end_date',
        'plan_start_date <= ' ~ dbt.dateadd('year', -2, 'periods.period_end')),
] -%}

{#- Year records, one row each (its id is unique: the marts' tests), on their own date; they meet the period ends
    whose 12 months hold that date once they are counted. -#}
dated_records as (

    {%- for kind, relation, dated_on, flag in year_records %}

    select la_code, '{{ kind }}' as record_kind, child_id, {{ flag }} as is_flagged, {{ dated_on }} as aged_on
    from {{ relation }}
    where {{ dated_on }} is not null
    {%- if not loop.last %}

    union all
    {%- endif %}
    {%- endfor %}

),

{#- Snapshot records are children with an episode or plan open at the period end (start <= D and no end or end >
    D), each child once however many are open, flagged if any of them is (a child on two CP plans, one of them two
    years old). Counted by `group by` rather than `count(distinct ...)`: DuckDB spills a grouping to disk under its
    memory limit, but a distinct count ran out of memory for a regional pool (bench/notes.md). -#}
open_records as (

    {%- for kind, relation, started_on, ended_on, flag in snapshot_records %}

    select periods.la_code, periods.period_end, '{{ kind }}' as record_kind, {{ relation }}.child_id,
        {{ flag }} as is_flagged
    from periods
    inner join {{ relation }}
        on {{ relation }}.la_code = periods.la_code
        and {{ relation }}.{{ started_on }} <= periods.period_end
        and ({{ relation }}.{{ ended_on }} is null or {{ relation }}.{{ ended_on }} > periods.period_end)
    {%- if not loop.last %}

    union all
    {%- endif %}
    {%- endfor %}

),

{#- Year records have no period end yet (null); snapshot records are aged on theirs. -#}
records_to_count as (

    select la_code, cast(null as date) as period_end, record_kind, child_id, is_flagged, aged_on
    from dated_records

    union all

    select la_code, period_end, record_kind, child_id, bool_or(is_flagged), period_end
    from open_records
    group by la_code, period_end, record_kind, child_id

),

{#- Records counted by sex and by the age band on `aged_on` before any period or breakdown text is made: tens of
    millions of rows for a regional pool fold into a few hundred thousand counts. Children not yet born then (no
    birth date but an expected one, or born after it) are 'unborn', as DfE publishes them, and children with
    neither date 'unknown'. A child is one row of `children` (its test), so the join adds no records. -#}
counted_by_age as (

    select
        records_to_count.la_code,
        records_to_count.period_end,
        records_to_count.record_kind,
        records_to_count.aged_on,
        coalesce(children.sex, 'unknown') as sex,
        coalesce(
            {{ age_band('children.birth_date', 'records_to_count.aged_on') }},
            case when coalesce(children.birth_date, children.expected_birth_date) is null then 'unknown' else 'unborn' end
        ) as age_band,
        count(*) as records,
        count_if(records_to_count.is_flagged) as flagged

    from records_to_count
    left join children
        on children.la_code = records_to_count.la_code
        and children.child_id = records_to_count.child_id
    group by all

),

{#- Year records' counts at every period end whose 12 months ([period start, period end]) hold their date. -#}
counted_at_period_ends as (

    select periods.la_code, periods.period_end, counted_by_age.record_kind, counted_by_age.sex,
        counted_by_age.age_band, sum(counted_by_age.records) as records, sum(counted_by_age.flagged) as flagged
    from periods
    inner join counted_by_age
        on counted_by_age.la_code = periods.la_code
        and counted_by_age.aged_on between periods.period_start and periods.period_end
    where counted_by_age.period_end is null
    group by all

    union all

    select la_code, period_end, record_kind, sex, age_band, records, flagged
    from counted_by_age
    where period_end is not null

),

counted as (

    select la_code, period_end, record_kind, 'all' as breakdown, sum(records) as records, sum(flagged) as flagged
    from counted_at_period_ends
    group by la_code, period_end, record_kind

    union all

    select la_code, period_end, record_kind, 'sex=' || sex, sum(records), sum(flagged)
    from counted_at_period_ends
    where record_kind in ('{{ kinds_broken_down | join("', '") }}')
    group by la_code, period_end, record_kind, sex

    union all

    select la_code, period_end, record_kind, 'age_band=' || age_band, sum(records), sum(flagged)
    from counted_at_period_ends
    where record_kind in ('{{ kinds_broken_down | join("', '") }}')
    group by la_code, period_end, record_kind, age_band

),

{#- Every kind at every period end with breakdown 'all', so that a period without records reads 0. -#}
skeleton as (

    select periods.la_code, periods.period_end, record_kinds.record_kind, 'all' as breakdown
    from periods
    cross join (
        {%- for kind in measures | map(attribute=1) | unique %}
        select '{{ kind }}' as record_kind{% if not loop.last %} union all{% endif %}
        {%- endfor %}
    ) as record_kinds

    union

    select la_code, period_end, record_kind, breakdown from counted

),

measure_inputs as (

    select
        skeleton.la_code,
        skeleton.period_end,
        skeleton.record_kind,
        skeleton.breakdown,
        coalesce(counted.records, 0) as records,
        coalesce(counted.flagged, 0) as flagged,
        population.population_0_17

    from skeleton
    left join counted
        on counted.la_code = skeleton.la_code
        and counted.period_end = skeleton.period_end
        and counted.record_kind = skeleton.record_kind
        and counted.breakdown = skeleton.breakdown
    left join population
        on population.la_code = skeleton.la_code
        and population.period_end = skeleton.period_end

),

final as (

    {%- for measure_id, kind, numerator, unit in measures %}

    select
        la_code,
        '{{ measure_id }}' as measure_id,
        period_end,
        '{{ "snapshot" if kind in snapshot_kinds else "year" }}' as period_type,
        breakdown,
        cast({{ numerator }} as double) as numerator,
        {%- set denominator = {'percent': 'records', 'rate_per_10k': 'population_0_17'}.get(unit, 'null') %}
        cast({{ denominator }} as double) as denominator,
        cast({{ measure_value("'" ~ unit ~ "'", numerator, denominator) }} as double) as value,
        '{{ unit }}' as unit

    from measure_inputs
    where record_kind = '{{ kind }}'
        {%- if unit == 'rate_per_10k' %} and breakdown = 'all'{% endif %}

    {% if not loop.last %}union all{% endif %}
    {%- endfor %}

)

select * from final
