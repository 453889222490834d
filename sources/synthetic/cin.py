"""CIN census XML, one file per collection year, from the simulated life-courses.

Each file is the return as it stood at the end of its year: things that started later are left out and ends
after the year end are blank. It holds the children with a CIN episode open at any time in the year.
"""

from datetime import date
from pathlib import Path

from sources.synthetic.calendar import age_on, collection_year_label, iso, year_end, year_start
from sources.synthetic.life_course import Child, CinEpisode, Population
from sources.synthetic.xml_lines import XmlLines, xml_return

SEX_FROM = 2025  # 2024-25: ChildIdentifiers/Sex (M/F/U) replaces GenderCurrent (1/2)
GENDER_CURRENT = {"M": "1", "F": "2"}


def cin_file_name(end_year: int) -> str:
    return f"cin_census_{collection_year_label(end_year)}.xml"


def write_cin_year(population: Population, end_year: int, folder: Path) -> Path:
    """Write one collection year's CIN census."""
    first, last = year_start(end_year), year_end(end_year)
    path = folder / cin_file_name(end_year)
    with xml_return(path, "CIN", end_year, last.isoformat(), population.la_code, "Children") as xml:
        for child in population.known.values():
            episodes = [
                episode for episode in child.cin
                if episode.referral <= last and (episode.closure is None or episode.closure >= first)
            ]
            if episodes:
                _write_child(xml, child, episodes, end_year, last)
    return path


def _known(day: date | None, cutoff: date) -> str:
    return iso(day) if day is not None and day <= cutoff else ""


def _write_child(xml: XmlLines, child: Child, episodes: list[CinEpisode], end_year: int, cutoff: date) -> None:
    xml.open("Child")
    xml.open("ChildIdentifiers")
    xml.leaf("LAchildID", child.child_id)
    if age_on(child.birth, cutoff) >= 5:
        xml.leaf("UPN", child.upn)
    else:
        xml.leaf("UPNunknown", "UN1")
    xml.leaf("PersonBirthDate", iso(child.birth))
    if end_year >= SEX_FROM:
        xml.leaf("Sex", child.sex)
    else:
        xml.leaf("GenderCurrent", GENDER_CURRENT[child.sex])
    xml.close("ChildIdentifiers")
    xml.open("ChildCharacteristics")
    xml.leaf("Ethnicity", child.ethnicity)
    xml.open("Disabilities")
    for disability in child.disabilities or ["NONE"]:
        xml.leaf("Disability", disability)
    xml.close("Disabilities")
    xml.close("ChildCharacteristics")
    for episode in episodes:
        _write_episode(xml, episode, cutoff)
    xml.close("Child")


def _write_episode(xml: XmlLines, episode: CinEpisode, cutoff: date) -> None:
    closed = episode.closure is not None and episode.closure <= cutoff
    xml.open("CINdetails")
    xml.leaf("CINreferralDate", iso(episode.referral))
    xml.leaf("ReferralSource", episode.source)
    xml.leaf("PrimaryNeedCode", episode.need)
    xml.leaf("CINclosureDate", _known(episode.closure, cutoff))
    xml.leaf("ReasonForClosure", episode.closure_reason if closed else "")
    xml.leaf("DateOfInitialCPC", _known(episode.icpc, cutoff))
    xml.leaf("ReferralNFA", "true" if episode.nfa else "false")
    for assessment in episode.assessments:
        if assessment.start > cutoff:
            continue
        xml.open("Assessments")
        xml.leaf("AssessmentActualStartDate", iso(assessment.start))
        authorised = _known(assessment.authorised, cutoff)
        xml.leaf("AssessmentAuthorisationDate", authorised)
        if authorised:
            xml.open("FactorsIdentifiedAtAssessment")
            for factor in assessment.factors:
                xml.leaf("AssessmentFactors", factor)
            xml.close("FactorsIdentifiedAtAssessment")
        xml.close("Assessments")
    for start, end in episode.cin_plans:
        if start > cutoff:
            continue
        xml.open("CINPlanDates")
        xml.leaf("CINPlanStartDate", iso(start))
        xml.leaf("CINPlanEndDate", _known(end, cutoff))
        xml.close("CINPlanDates")
    for s47 in episode.s47s:
        if s47.start > cutoff:
            continue
        xml.open("Section47")
        xml.leaf("S47ActualStartDate", iso(s47.start))
        xml.leaf("InitialCPCtarget", iso(s47.icpc_target))
        xml.leaf("DateOfInitialCPC", _known(s47.icpc, cutoff))
        xml.leaf("ICPCnotRequired", "true" if s47.icpc_not_required else "false")
        xml.close("Section47")
    for plan in episode.cp_plans:
        if plan.start > cutoff:
            continue
        xml.open("ChildProtectionPlans")
        xml.leaf("CPPstartDate", iso(plan.start))
        xml.leaf("CPPendDate", _known(plan.end, cutoff))
        xml.leaf("InitialCategoryOfAbuse", plan.initial_category)
        xml.leaf("LatestCategoryOfAbuse", plan.latest_category)
        xml.leaf("NumberOfPreviousCPP", plan.previous_plans)
        reviews = [day for day in plan.reviews if day <= cutoff]
        if reviews:
            xml.open("Reviews")
            for review in reviews:
                xml.leaf("CPPreviewDate", iso(review))
            xml.close("Reviews")
        xml.close("ChildProtectionPlans")
    xml.close("CINdetails")
