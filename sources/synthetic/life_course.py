"""Simulate each invented child's whole history once: the writers cut it into per-year extract files.

A population of children is born evenly over the simulated span (22 years before the first collection year up
to the reference date, so that stocks at the first 31 March are settled and care leavers up to 21 exist).
Each child gets referrals as a Poisson process over childhood; a referral opens a CIN episode that runs
referral -> assessment -> (not in need | CIN plan | section 47 -> ICPC -> CP plan) -> possibly care -> closure,
and a closed episode can be followed by a re-referral. A period of care is a chain of SSDA903 episodes
(placement moves, legal-status changes), with reviews, missing episodes and social worker allocations; young
people who leave care at 16+ become care leavers with OC3 outcomes at each birthday. Some children get an EHC
needs assessment request (more often if known to children's social care).

The rates below are tuned so that `--scale medium` reproduces the England figures (tests assert it); those
that are a simple proportion take the LA's target directly.
"""

import random
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from sources.synthetic.calendar import WorkingDays, add_years, age_on
from sources.synthetic.targets import Targets, england_targets

DAY = timedelta(days=1)

REFERRAL_SOURCES = {"1A": 3, "1B": 1, "1C": 2, "1D": 1, "2A": 18, "2B": 2, "3A": 3, "3B": 2, "3C": 1, "3D": 2,
                    "3E": 3, "3F": 4, "4": 2, "5A": 3, "5B": 2, "5C": 3, "5D": 4, "6": 29, "7": 2, "8": 6, "9": 2,
                    "10": 5}
PRIMARY_NEEDS = {"N1": 57, "N2": 9, "N3": 4, "N4": 11, "N5": 12, "N6": 2, "N7": 1, "N8": 4}
FACTORS = {"3A": 10, "3B": 8, "3C": 3, "4B": 20, "4A": 8, "16A": 12, "17A": 12, "1B": 6, "2B": 7, "5A": 3,
           "6B": 3, "7A": 2, "10A": 3, "11A": 2, "14A": 4, "15A": 5, "18C": 4, "19C": 2, "24A": 2, "20": 5,
           "5B": 2, "2A": 2, "13A": 1}
DISABILITIES = {"AUT": 30, "LD": 20, "COMM": 15, "BEH": 15, "MOB": 6, "HAND": 3, "HEAR": 3, "VIS": 2,
                "PC": 2, "INC": 1, "CON": 1, "DDA": 2}
ETHNICITIES = {"WBRI": 70, "WIRI": 1, "WIRT": 1, "WOTH": 5, "WROM": 1, "MWBC": 3, "MWBA": 1, "MWAS": 1,
               "MOTH": 2, "AIND": 2, "APKN": 3, "ABAN": 1, "AOTH": 1, "BCRB": 1, "BAFR": 3, "BOTH": 1, "CHNE": 1,
               "OOTH": 2, "REFU": 1, "NOBT": 1}
CATEGORIES_OF_ABUSE = {"NEG": 50, "EMO": 37, "PHY": 6, "SAB": 4, "MUL": 3}
START_LEGAL_STATUS = {"V2": 45, "C1": 38, "L1": 6, "L2": 3, "J1": 3, "E1": 1, "J2": 1}
PLACE_CHANGE_REASONS = {"CARPL": 30, "CREQB": 15, "CREQO": 17, "CHILD": 5, "PLACE": 20, "STAND": 2,
                        "ALLEG": 2, "APPRR": 1, "LAREQ": 2, "CLOSE": 1, "OTHER": 5}
SW_CHANGE_REASONS = {"MANAGE": 25, "LEFTRL": 35, "ORGRST": 10, "TSPROC": 10, "ABSENC": 5, "CHCHAN": 5,
                     "PCCHAN": 5, "FCONTA": 2, "OTHERS": 3}
SEN_TYPES = {"ASD": 33, "SLCN": 21, "SEMH": 15, "MLD": 8, "SLD": 6, "PD": 4, "SPLD": 4, "PMLD": 2, "HI": 2,
             "VI": 1, "MSI": 1, "DS": 1, "OTH": 2}

# How a period of care ends, by age at entry: (weight, reason episode ceased, shortest and longest days).
# "18" means the period runs until the 18th birthday.
OUTCOMES_UNDER_5 = [(22, "ADOPT", 420, 900), (12, "SGO", 300, 800), (26, "E4A", 30, 400), (6, "E13", 30, 500),
                    (17, "18", 0, 0)]
OUTCOMES_5_TO_12 = [(8, "SGO", 300, 1100), (3, "E41", 200, 900), (40, "E4A", 20, 600), (7, "E13", 30, 700),
                    (4, "E8", 30, 600), (19, "18", 0, 0)]
OUTCOMES_13_PLUS = [(34, "E4A", 10, 400), (12, "E13", 20, 500), (6, "E8", 20, 500), (3, "E9", 30, 300),
                    (28, "18", 0, 0)]
LEAVING_AT_18 = {"E17": 25, "E5": 45, "E6": 8, "E8": 12, "E7": 2, "E4A": 8}
SGO_REASONS = {"E45": 45, "E46": 15, "E47": 25, "E48": 15}
IN_TOUCH_OTHER = {"NO": 40, "REFU": 25, "NREQ": 20, "RHOM": 10, "DIED": 1}
EET_ACTIVITIES = {"F1": 10, "P1": 2, "F2": 35, "P2": 5, "F4": 6, "P4": 1, "F5": 33, "P5": 8}
NEET_ACTIVITIES = {"G4": 23, "G5": 66, "G6": 11}
SUITABLE_ACCOMMODATION = {"U1": 35, "D1": 20, "E1": 8, "Z1": 12, "B1": 15, "C1": 3, "K1": 4, "T1": 2, "Y1": 1}
UNSUITABLE_ACCOMMODATION = {"S2": 25, "V2": 20, "W2": 15, "U2": 15, "X2": 15, "B2": 10}


@dataclass(frozen=True)
class Rates:
    """The simulation's parameters for one LA, derived from its targets."""

    referral_per_year: float
    rereferral: float
    nfa: float
    not_in_need: float
    s47: float
    icpc: float
    cp_plan: float
    care_from_cp: float
    care_direct: float
    uasc: float
    assessments_45wd: float
    cp_repeat: float
    move_first_year: float
    move_later: float
    eet_19_21: float
    suitable_19_21: float
    ehcp_request: float
    ehcp_20wk: float

    @classmethod
    def for_targets(cls, targets: Targets) -> "Rates":
        """The constants reproduce England; an LA's stocks scale them by its rates relative to England's."""
        england = england_targets()
        cin_scale = targets.cin_per_10k / england.cin_per_10k
        cp_share = (targets.cp_per_10k / targets.cin_per_10k) / (england.cp_per_10k / england.cin_per_10k)
        cla_share = (targets.cla_per_10k / targets.cin_per_10k) / (england.cla_per_10k / england.cin_per_10k)
        # a published 0 or 100 from a small LA is small-number noise, not a rate to reproduce
        stability = max(5.0, 100 - targets.cla_long_term_stability_pct) / 31.0
        churn = max(2.0, targets.cla_3plus_placements_pct) / 10.0
        rereferral = min(0.6, 0.32 * targets.rereferral_pct / england.rereferral_pct)
        return cls(
            # re-referrals add to the referrals a first-referral rate brings: (1 - q) keeps the total on scale
            referral_per_year=0.0358 * cin_scale * (1 - rereferral) / (1 - 0.32),
            rereferral=rereferral,
            nfa=0.065,
            not_in_need=0.33,
            s47=0.36,
            icpc=0.47 * min(cp_share, 1.8) ** 0.5,
            cp_plan=min(0.97, 0.93 * min(cp_share, 1.8) ** 0.5),
            care_from_cp=0.17 * cla_share,
            care_direct=0.046 * cla_share,
            uasc=0.006 * targets.cla_per_10k / england.cla_per_10k,
            assessments_45wd=targets.assessments_45wd_pct / 100,
            cp_repeat=targets.cp_repeat_pct / 100,
            move_first_year=1.38 * churn,
            move_later=0.235 * stability,
            eet_19_21=targets.care_leavers_19_21_eet_pct / 100,
            suitable_19_21=targets.care_leavers_19_21_suitable_accom_pct / 100,
            ehcp_request=0.05,
            ehcp_20wk=targets.ehcp_20wk_pct / 100,
        )


@dataclass(slots=True)
class Assessment:
    start: date
    authorised: date | None
    factors: list[str]


@dataclass(slots=True)
class Section47:
    start: date
    icpc_target: date
    icpc: date | None
    icpc_not_required: bool


@dataclass(slots=True)
class CpPlan:
    start: date
    end: date | None
    initial_category: str
    latest_category: str
    reviews: list[date]
    previous_plans: int = 0


@dataclass(slots=True)
class CinEpisode:
    referral: date
    source: str
    need: str
    nfa: bool = False
    closure: date | None = None
    closure_reason: str = ""
    icpc: date | None = None
    assessments: list[Assessment] = field(default_factory=list)
    cin_plans: list[tuple[date, date | None]] = field(default_factory=list)
    s47s: list[Section47] = field(default_factory=list)
    cp_plans: list[CpPlan] = field(default_factory=list)


@dataclass(slots=True)
class Episode:
    """One SSDA903 episode: a stretch of care with the same legal status and placement."""

    start: date
    reason_new: str
    legal_status: str
    placement: str
    provider: str
    end: date | None = None
    reason_ceased: str = ""
    reason_place_change: str = ""
    urn: str = ""


@dataclass(slots=True)
class CarePeriod:
    start: date
    need: str
    episodes: list[Episode]
    end: date | None
    reviews: list[date] = field(default_factory=list)
    missing: list[tuple[str, date, date | None]] = field(default_factory=list)
    social_workers: list[tuple[str, date, date | None, str]] = field(default_factory=list)
    adoption_decision: date | None = None
    adoption_match: date | None = None
    placed_for_adoption: date | None = None


@dataclass(slots=True)
class EhcpRequest:
    received: date
    outcome_date: date | None
    assessed: bool
    plan_start: date | None
    week20_exception: bool
    cease: date | None
    cease_reason: str
    needs: list[str]
    school_urn: str


@dataclass(slots=True)
class Child:
    number: int
    child_id: str
    upn: str
    birth: date
    sex: str
    ethnicity: str
    disabilities: list[str] = field(default_factory=list)
    cin: list[CinEpisode] = field(default_factory=list)
    care: list[CarePeriod] = field(default_factory=list)
    uasc_until: date | None = None
    care_left: date | None = None
    oc3: dict[int, tuple[str, str, str]] = field(default_factory=dict)
    ehcp: EhcpRequest | None = None

    @property
    def eighteenth(self) -> date:
        return add_years(self.birth, 18)


@dataclass
class Population:
    """Everyone born in the simulated span, and the detail of those known to services."""

    la_code: str
    births: list[date]
    known: dict[int, Child]
    sen_support: frozenset[int]
    id_prefix: str


UPN_CHECK_LETTERS = "ABCDEFGHJKLMNPQRTUVWXYZ"


def upn(la_code: str, number: int) -> str:
    """A well-formed but invented UPN: check letter, LA code, establishment, year, serial (DfE algorithm)."""
    body = f"{la_code}{number // 1000 % 10000:04d}{number // 10_000_000 % 100:02d}{number % 1000:03d}"
    check = sum(int(digit) * weight for digit, weight in zip(body, range(2, 14), strict=True)) % 23
    return UPN_CHECK_LETTERS[check] + body


class EvenShare:
    """True for `share` of the calls, spread evenly (error diffusion) instead of by independent coin flips, so
    that the share holds in any sizeable subset (one year's records, say) and not only on average."""

    def __init__(self, share: float):
        self.share = share
        self._owed = 0.5

    def next(self) -> bool:
        self._owed += self.share
        if self._owed >= 1:
            self._owed -= 1
            return True
        return False


def _pick(rng: random.Random, weights: dict[str, int]) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _days(rng: random.Random, low: int, high: int) -> timedelta:
    return timedelta(days=rng.randint(low, high))


class Simulator:
    """Simulates one LA's population; deterministic for a given seed."""

    def __init__(self, targets: Targets, seed: int, first_year_start: date, reference: date, id_prefix: str):
        self.targets = targets
        self.rates = Rates.for_targets(targets)
        self.rng = random.Random(f"{seed}:{targets.la_code}")
        self.reference = reference
        self.sim_start = add_years(first_year_start, -22)
        self.working_days = WorkingDays(self.sim_start, add_years(reference, 3))
        self.id_prefix = id_prefix
        self.ehcp_on_time = EvenShare(self.rates.ehcp_20wk)
        # care leavers' outcomes by age group (19-21 is the published one): in touch, EET, suitable accommodation
        in_touch = 0.93
        self.leaver_shares = {
            older: (EvenShare(in_touch), EvenShare(eet / in_touch), EvenShare(suitable / in_touch))
            for older, eet, suitable in ((True, self.rates.eet_19_21, self.rates.suitable_19_21), (False, 0.64, 0.88))
        }

    def run(self) -> Population:
        span_days = (self.reference - self.sim_start).days
        total = round(self.targets.population * span_days / (18 * 365.25))
        births = [self.sim_start + timedelta(days=span_days * number // total) for number in range(total)]
        known: dict[int, Child] = {}
        rng, rates = self.rng, self.rates
        for number, birth in enumerate(births):
            child = None
            referrals = self._poisson_dates(birth, rates.referral_per_year, 0, 18)
            if referrals:
                child = self._child(number, birth)
                self._children_in_need(child, referrals)
            if rng.random() < rates.uasc:
                child = child or self._child(number, birth)
                self._uasc(child)
            if rng.random() < self._ehcp_chance(child):
                child = child or self._child(number, birth)
                self._ehcp(child)
            if child is not None:
                self._forget_the_future(child)
                known[number] = child
        self._mark_repeat_cp_plans(known)
        sen_support = frozenset(number for number in range(total) if rng.random() < 0.12)
        return Population(self.targets.la_code, births, known, sen_support, self.id_prefix)

    def _child(self, number: int, birth: date) -> Child:
        rng = self.rng
        disabled = rng.random() < 0.1
        return Child(
            number=number, child_id=f"{self.id_prefix}{number:07d}", upn=upn(self.targets.la_code, number),
            birth=birth, sex=rng.choice("MF"), ethnicity=_pick(rng, ETHNICITIES),
            disabilities=[_pick(rng, DISABILITIES)] if disabled else [],
        )

    def _poisson_dates(self, birth: date, per_year: float, from_age: int, to_age: int) -> list[date]:
        rng, dates = self.rng, []
        years = rng.expovariate(per_year)
        while years < to_age - from_age:
            day = add_years(birth, from_age) + timedelta(days=int(years * 365.25))
            if day > self.reference:
                break
            dates.append(day)
            years += rng.expovariate(per_year)
        return dates

    def _forget_the_future(self, child: Child) -> None:
        """Drop what starts after the reference date and blank ends after it: the extracts describe that date."""
        reference = self.reference

        def known(day: date | None) -> date | None:
            return day if day is not None and day <= reference else None

        child.cin = [episode for episode in child.cin if episode.referral <= reference]
        for episode in child.cin:
            episode.closure = known(episode.closure)
            episode.closure_reason = episode.closure_reason if episode.closure else ""
            episode.icpc = known(episode.icpc)
            episode.assessments = [item for item in episode.assessments if item.start <= reference]
            for assessment in episode.assessments:
                assessment.authorised = known(assessment.authorised)
            episode.cin_plans = [(start, known(end)) for start, end in episode.cin_plans if start <= reference]
            episode.s47s = [item for item in episode.s47s if item.start <= reference]
            for s47 in episode.s47s:
                s47.icpc = known(s47.icpc)
            episode.cp_plans = [plan for plan in episode.cp_plans if plan.start <= reference]
            for plan in episode.cp_plans:
                plan.end = known(plan.end)
                plan.reviews = [day for day in plan.reviews if day <= reference]
        child.care = [period for period in child.care if period.start <= reference]
        for period in child.care:
            period.end = known(period.end)
            period.episodes = [item for item in period.episodes if item.start <= reference]
            last = period.episodes[-1]
            if last.end is not None and last.end > reference:
                last.end, last.reason_ceased, last.reason_place_change = None, "", ""
            period.reviews = [day for day in period.reviews if day <= reference]
            period.missing = [(kind, start, known(end)) for kind, start, end in period.missing if start <= reference]
            period.social_workers = [
                (worker, start, known(end), reason if known(end) else "")
                for worker, start, end, reason in period.social_workers if start <= reference
            ]
            period.adoption_decision = known(period.adoption_decision)
            period.adoption_match = known(period.adoption_match)
            period.placed_for_adoption = known(period.placed_for_adoption)
        child.care_left = known(child.care_left)
        child.oc3 = {age: outcome for age, outcome in child.oc3.items() if add_years(child.birth, age) <= reference}
        request = child.ehcp
        if request is not None:
            if request.received > reference:
                child.ehcp = None
            else:
                request.outcome_date = known(request.outcome_date)
                request.plan_start = known(request.plan_start)
                request.cease = known(request.cease)
                request.cease_reason = request.cease_reason if request.cease else ""

    # Children in need ---------------------------------------------------------------------------------------

    def _children_in_need(self, child: Child, referrals: list[date]) -> None:
        rng, rates = self.rng, self.rates
        pending = sorted(referrals)
        open_until = child.birth
        while pending:
            referral = pending.pop(0)
            if referral <= open_until:
                referral = open_until + _days(rng, 20, 200)
            if referral >= child.eighteenth - 30 * DAY or referral > self.reference:
                break
            episode = self._episode(child, referral)
            child.cin.append(episode)
            if episode.closure is None or episode.closure > self.reference:
                break
            open_until = episode.closure
            if rng.random() < rates.rereferral:
                pending.append(episode.closure + timedelta(days=int(rng.expovariate(1 / 110)) + 1))
                pending.sort()

    def _episode(self, child: Child, referral: date) -> CinEpisode:
        rng, rates, wd = self.rng, self.rates, self.working_days
        episode = CinEpisode(referral=referral, source=_pick(rng, REFERRAL_SOURCES), need="N9")
        if rng.random() < rates.nfa:
            episode.nfa, episode.closure, episode.closure_reason = True, referral, "RC8"
            return episode
        started = wd.on_or_after(referral + _days(rng, 0, 3))
        within = rng.random() < rates.assessments_45wd
        authorised = wd.add(started, rng.randint(10, 45) if within else rng.randint(46, 100))
        if rng.random() < rates.not_in_need:
            episode.assessments.append(Assessment(started, authorised, ["21"]))
            episode.closure, episode.closure_reason = authorised, rng.choice(["RC8", "RC8", "RC9"])
            return self._finish(child, episode)
        factors = sorted({_pick(rng, FACTORS) for _ in range(rng.randint(1, 3))})
        episode.assessments.append(Assessment(started, authorised, factors))
        episode.need = _pick(rng, PRIMARY_NEEDS)
        services_end, care_start = authorised, None
        if rng.random() < rates.s47:
            s47_start = started + _days(rng, 0, 4)
            target = wd.add(s47_start, 15)
            if rng.random() < rates.icpc:
                icpc = wd.add(s47_start, rng.randint(5, 15) if rng.random() < 0.8 else rng.randint(16, 35))
                episode.s47s.append(Section47(s47_start, target, icpc, False))
                episode.icpc = icpc
                if rng.random() < rates.cp_plan:
                    plan_end = icpc + self._cp_length()
                    if rng.random() < rates.care_from_cp:
                        care_start = icpc + _days(rng, 7, max(8, (plan_end - icpc).days))
                        plan_end = min(plan_end, care_start + _days(rng, 0, 40))
                    episode.cp_plans.append(self._cp_plan(icpc, plan_end))
                    services_end = plan_end
            else:
                episode.s47s.append(Section47(s47_start, target, None, True))
        if care_start is None and rng.random() < rates.care_direct:
            care_start = authorised - _days(rng, 0, 20)
        if care_start is not None and care_start < child.eighteenth - 60 * DAY:
            period = self._care_period(child, care_start, episode.need, uasc=False)
            episode.closure = period.end + _days(rng, 0, 30) if period.end else None
            episode.closure_reason = self._closure_after_care(period)
            return self._finish(child, episode)
        plan_chance = 0.55 if episode.cp_plans else 0.85
        if rng.random() < plan_chance:
            plan_start = services_end + _days(rng, 0, 7)
            plan_end = plan_start + timedelta(days=int(rng.expovariate(1 / 210)) + 30)
            episode.cin_plans.append((plan_start, plan_end))
            services_end = plan_end
        episode.closure = services_end + _days(rng, 0, 30)
        episode.closure_reason = "RC7"
        return self._finish(child, episode)

    def _finish(self, child: Child, episode: CinEpisode) -> CinEpisode:
        """Close at the 18th birthday at the latest, and end the plans by the closure."""
        if episode.closure is None or episode.closure > child.eighteenth:
            episode.closure, episode.closure_reason = child.eighteenth, "RC7"
        closure = episode.closure
        episode.cp_plans = [plan for plan in episode.cp_plans if plan.start < closure]
        episode.cin_plans = [(start, min(end, closure)) for start, end in episode.cin_plans if start < closure]
        for plan in episode.cp_plans:
            plan.end = min(plan.end, closure)
            plan.reviews = [day for day in plan.reviews if day < plan.end]
        return episode

    def _cp_length(self) -> timedelta:
        rng = self.rng
        low, high = rng.choices([(53, 117), (118, 228), (229, 456), (457, 900), (901, 1200)],
                                weights=[18, 22, 36, 20, 4])[0]
        return timedelta(days=rng.randint(low, high))

    def _cp_plan(self, start: date, end: date) -> CpPlan:
        rng = self.rng
        reviews, review = [], start + 91 * DAY
        while review < end:
            reviews.append(review)
            review += 182 * DAY
        initial = _pick(rng, CATEGORIES_OF_ABUSE)
        latest = initial if rng.random() < 0.9 else _pick(rng, CATEGORIES_OF_ABUSE)
        return CpPlan(start, end, initial, latest, reviews)

    def _mark_repeat_cp_plans(self, known: dict[int, Child]) -> None:
        """Set NumberOfPreviousCPP: the child's earlier plans in the simulation, plus one (a plan before it or
        in another LA; DfE counts those) for enough first plans that each collection year's share of repeat plans
        meets the target."""
        plans_by_year: dict[int, list[tuple[int, list[CpPlan]]]] = defaultdict(list)
        for child in known.values():
            plans = [plan for episode in child.cin for plan in episode.cp_plans]
            for order, plan in enumerate(plans):
                plan.previous_plans = order
                plans_by_year[plan.start.year + (plan.start.month >= 4)].append((order, plans))
        for year_plans in plans_by_year.values():
            firsts = [plans for order, plans in year_plans if order == 0]
            if not firsts:
                continue
            repeats = len(year_plans) - len(firsts)
            earlier_elsewhere = EvenShare(min(1.0, max(0.0, (self.rates.cp_repeat * len(year_plans) - repeats)
                                                       / len(firsts))))
            for plans in firsts:
                if earlier_elsewhere.next():
                    for plan in plans:
                        plan.previous_plans += 1

    # Children looked after ---------------------------------------------------------------------------------

    def _uasc(self, child: Child) -> None:
        rng = self.rng
        arrival = add_years(child.birth, rng.choice([14, 15, 16, 16, 17])) + _days(rng, 0, 300)
        if arrival > self.reference or (child.cin and (child.cin[-1].closure is None or
                                                       child.cin[-1].closure >= arrival)):
            return
        child.sex = "M" if rng.random() < 0.92 else "F"
        episode = CinEpisode(referral=arrival, source="7", need="N8")
        authorised = self.working_days.add(arrival, rng.randint(10, 40))
        episode.assessments.append(Assessment(arrival, authorised, ["9A"]))
        period = self._care_period(child, arrival, "N8", uasc=True)
        child.uasc_until = child.eighteenth
        episode.closure = period.end
        episode.closure_reason = "RC7"
        child.cin.append(episode)

    def _care_period(self, child: Child, start: date, need: str, uasc: bool) -> CarePeriod:
        rng, rates = self.rng, self.rates
        age = age_on(child.birth, start)
        if uasc:
            outcome, low, high = "18", 0, 0
        else:
            outcomes = OUTCOMES_UNDER_5 if age < 5 else OUTCOMES_5_TO_12 if age < 13 else OUTCOMES_13_PLUS
            _, outcome, low, high = rng.choices(outcomes, weights=[row[0] for row in outcomes])[0]
        end = child.eighteenth if outcome == "18" else start + _days(rng, low, high)
        if end >= child.eighteenth:
            end, outcome = child.eighteenth, "18"
        legal_status = "V2" if uasc else _pick(rng, START_LEGAL_STATUS)
        changes: dict[date, str] = {}
        if legal_status in ("L1", "L2"):
            changes[start + _days(rng, 1, 8)] = rng.choice(["C1", "V2"])
        if legal_status == "C1" or (legal_status == "V2" and not uasc and rng.random() < 0.25):
            changes[start + _days(rng, 60, 300)] = "C2"
        placed_for_adoption = None
        if outcome == "ADOPT":
            placed_for_adoption = end - _days(rng, 90, 280)
            changes[max(start + DAY, placed_for_adoption - _days(rng, 20, 120))] = "E1"
        moves: list[date] = []
        years_in = rng.expovariate(rates.move_first_year)
        while years_in < 1:
            moves.append(start + timedelta(days=int(years_in * 365) + 1))
            years_in += rng.expovariate(rates.move_first_year)
        years_in = 1 + rng.expovariate(rates.move_later)
        while start + timedelta(days=int(years_in * 365)) < end:
            moves.append(start + timedelta(days=int(years_in * 365)))
            years_in += rng.expovariate(rates.move_later)
        if placed_for_adoption:
            moves = [day for day in moves if day < placed_for_adoption] + [placed_for_adoption]

        placement = self._placement(child, start, None, adoption=False)
        episodes = [Episode(start, "S", legal_status, placement, self._provider(placement), urn=self._urn(placement))]
        for day in sorted(set(moves) | set(changes)):
            if day >= end or day <= episodes[-1].start:
                continue
            previous = episodes[-1]
            moved, status_changed = day in moves, day in changes
            new_status = changes.get(day, previous.legal_status)
            new_placement = previous.placement
            reason_new = "L"
            if moved:
                adoption = day == placed_for_adoption
                new_placement = self._placement(child, day, previous.placement, adoption)
                same_carer = new_placement in ("U4", "U1") and previous.placement in ("U6", "U3") or (
                    adoption and previous.placement in ("U6", "U3", "U5", "U2") and rng.random() < 0.3)
                if adoption and same_carer:
                    new_placement = "A5" if new_status == "E1" else "A3"
                reason_new = ("U" if same_carer else "B") if status_changed else ("T" if same_carer else "P")
                previous.reason_place_change = _pick(rng, PLACE_CHANGE_REASONS)
            previous.end, previous.reason_ceased = day, "X1"
            episodes.append(Episode(day, reason_new, new_status, new_placement, self._provider(new_placement),
                                    urn=self._urn(new_placement)))
        last = episodes[-1]
        last.end = end
        last.reason_ceased = self._reason_ceased(outcome, uasc)
        period = CarePeriod(start, "N8" if uasc else (need if need in PRIMARY_NEEDS else "N1"), episodes, end)
        if outcome == "ADOPT":
            period.placed_for_adoption = placed_for_adoption
            period.adoption_decision = start + _days(rng, 60, max(61, (placed_for_adoption - start).days // 2))
            period.adoption_match = placed_for_adoption - _days(rng, 7, 50)
        self._care_extras(child, period)
        if age_on(child.birth, end) >= 16 and (end - max(start, add_years(child.birth, 14))).days >= 91:
            child.care_left = end
            self._care_leaver_outcomes(child)
        child.care.append(period)
        return period

    def _placement(self, child: Child, day: date, previous: str | None, adoption: bool) -> str:
        rng, age = self.rng, age_on(child.birth, day)
        if adoption:
            return rng.choice(["A6", "A6", "A4"])
        if age >= 16 and rng.random() < 0.4:
            return "K3" if day >= date(2024, 4, 1) else "H5"
        if previous in ("U6", "U3") and rng.random() < 0.35:
            return "U4" if previous == "U6" else "U1"
        weights = {"U6": 45, "U3": 14, "U4": 6, "U1": 2, "P1": 5, "Z1": 1, "R1": 1}
        if age >= 10:
            weights |= {"K2": 14, "S1": 1, "K1": 1, "R5": 1 if age >= 15 else 0}
        if age < 1:
            weights |= {"R3": 3, "U5": 2, "U2": 1}
        return _pick(rng, weights)

    def _provider(self, placement: str) -> str:
        if placement[0] in "TZ" or placement in ("R5", "R2"):
            return ""
        if placement == "P1":
            return "PR0"
        if placement[0] == "U" or placement[0] == "A":
            return "PR1" if self.rng.random() < 0.65 else "PR4"
        return self.rng.choice(["PR4", "PR4", "PR4", "PR1", "PR5"])

    def _urn(self, placement: str) -> str:
        if placement in ("P1", "P3", "R1", "R2", "R5") or placement[0] in "TZ":
            return ""
        if placement in ("K1", "K2", "K3", "H5", "S1", "R3"):
            return f"SC{self.rng.randint(100000, 999999)}"
        return "XXXXXXX"

    def _reason_ceased(self, outcome: str, uasc: bool) -> str:
        rng = self.rng
        if outcome == "18":
            return "E15" if uasc and rng.random() < 0.03 else _pick(rng, LEAVING_AT_18)
        if outcome == "ADOPT":
            return "E11" if rng.random() < 0.6 else "E12"
        if outcome == "SGO":
            return _pick(rng, SGO_REASONS)
        return outcome

    @staticmethod
    def _closure_after_care(period: CarePeriod) -> str:
        reason = period.episodes[-1].reason_ceased
        if reason in ("E11", "E12"):
            return "RC1"
        if reason in SGO_REASONS:
            return "RC4"
        if reason == "E41":
            return "RC3"
        return "RC7"

    def _care_extras(self, child: Child, period: CarePeriod) -> None:
        """Reviews, missing episodes and social worker allocations over the period."""
        rng, end = self.rng, period.end
        review = period.start + 20 * DAY
        gap = 91
        while review < end:
            period.reviews.append(review)
            review += gap * DAY
            gap = 182
        if age_on(child.birth, period.start) >= 11 and rng.random() < 0.18:
            for day in self._poisson_dates(period.start, 3.0, 0, 18):
                if day >= end:
                    break
                if period.missing and day <= period.missing[-1][2]:
                    continue  # still missing from the last time
                period.missing.append((rng.choice("MMMA"), day, day + _days(rng, 0, 3)))
        worker_start = period.start
        while True:
            worker = f"SW{rng.randint(1, 999_999):06d}"
            change = worker_start + timedelta(days=int(rng.expovariate(0.8) * 365) + 14)
            if change >= end:
                period.social_workers.append((worker, worker_start, end, "OTHERS"))
                return
            period.social_workers.append((worker, worker_start, change, _pick(rng, SW_CHANGE_REASONS)))
            worker_start = change

    def _care_leaver_outcomes(self, child: Child) -> None:
        """OC3 at each birthday 17-21 after leaving care: in touch, activity, accommodation."""
        rng = self.rng
        for age in range(17, 22):
            if add_years(child.birth, age) < child.care_left:
                continue
            in_touch, eet, suitable = self.leaver_shares[age >= 19]
            if not in_touch.next():
                child.oc3[age] = (_pick(rng, IN_TOUCH_OTHER), "0", "0")
                continue
            activity = _pick(rng, EET_ACTIVITIES) if eet.next() else _pick(rng, NEET_ACTIVITIES)
            accommodation = (_pick(rng, SUITABLE_ACCOMMODATION) if suitable.next()
                             else _pick(rng, UNSUITABLE_ACCOMMODATION))
            child.oc3[age] = ("YES", activity, accommodation)

    # SEND ---------------------------------------------------------------------------------------------------

    def _ehcp_chance(self, child: Child | None) -> float:
        if child is None:
            return self.rates.ehcp_request
        if child.care:
            return 0.3
        if any(episode.need == "N2" for episode in child.cin):
            return 0.6
        return 0.1

    def _ehcp(self, child: Child) -> None:
        rng = self.rng
        received = add_years(child.birth, rng.choice([2, 3, 4, 5, 6, 7, 8, 9, 11, 14])) + _days(rng, 0, 360)
        if received > self.reference:
            return
        received = self.working_days.on_or_after(received)
        assessed = rng.random() < 0.8
        issued = assessed and rng.random() < 0.92
        exception = rng.random() < 0.04
        if issued:
            within = self.ehcp_on_time.next()
            plan_start = received + _days(rng, 70, 140) if within else received + _days(rng, 141, 320)
        else:
            plan_start = None
        outcome_date = received + _days(rng, 30, 42)
        cease, cease_reason = None, ""
        if plan_start and rng.random() < 0.08:
            cease, cease_reason = plan_start + _days(rng, 200, 2000), rng.choice(["2", "5", "7", "9"])
        elif plan_start:
            cease, cease_reason = add_years(child.birth, rng.randint(19, 25)), rng.choice(["1", "3", "4", "6"])
        needs = [_pick(rng, SEN_TYPES)]
        if rng.random() < 0.3:
            second = _pick(rng, SEN_TYPES)
            needs += [second] if second != needs[0] else []
        child.ehcp = EhcpRequest(received, outcome_date, assessed, plan_start, exception, cease, cease_reason, needs,
                                 str(rng.randint(100000, 149999)))
