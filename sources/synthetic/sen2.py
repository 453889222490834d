"""SEN2 person-level XML, one file per census year (census date: the third Thursday of January).

A census year's file holds the people with a request received or a plan issued in the previous calendar year,
or a plan active on the census date, nested as `sources/README.md` describes. Names and postcodes are
obviously invented ("Synthetic" / "Child0000123" / "ZZ99 ..."). SEN2 has no LAchildID: the UPN is the link.
"""

from datetime import date, timedelta
from pathlib import Path

from sources.synthetic.calendar import add_years, iso
from sources.synthetic.life_course import Child, EhcpRequest, Population
from sources.synthetic.xml_lines import XmlLines, xml_return


def sen2_file_name(census_year: int) -> str:
    return f"sen2_{census_year}.xml"


def census_date(census_year: int) -> date:
    """The third Thursday of January."""
    first = date(census_year, 1, 1)
    return first + timedelta(days=(3 - first.weekday()) % 7 + 14)


def _is_active(request: EhcpRequest, day: date) -> bool:
    return request.plan_start is not None and request.plan_start <= day and (
        request.cease is None or request.cease > day)


def write_sen2_year(population: Population, census_year: int, folder: Path) -> Path:
    """Write one census year's SEN2 return."""
    census = census_date(census_year)
    year_first, year_last = date(census_year - 1, 1, 1), date(census_year - 1, 12, 31)
    path = folder / sen2_file_name(census_year)
    with xml_return(path, "SEN2", census_year, census.isoformat(), population.la_code, "Persons") as xml:
        for child in population.known.values():
            request = child.ehcp
            if request is None or request.received > census:
                continue
            issued_in_year = request.plan_start is not None and year_first <= request.plan_start <= year_last
            if year_first <= request.received <= year_last or issued_in_year or _is_active(request, census):
                _write_person(xml, child, request, census)
    return path


def _known(day: date | None, cutoff: date) -> str:
    return iso(day) if day is not None and day <= cutoff else ""


def _write_person(xml: XmlLines, child: Child, request: EhcpRequest, census: date) -> None:
    xml.open("Person")
    xml.leaf("Surname", f"Child{child.number:07d}")
    xml.leaf("Forename", "Synthetic")
    xml.leaf("PersonBirthDate", iso(child.birth))
    xml.leaf("Sex", child.sex)
    xml.leaf("Ethnicity", child.ethnicity)
    xml.leaf("PostCode", f"ZZ99 {child.number % 9 + 1}SZ")
    xml.leaf("UPN", child.upn)
    xml.open("Requests")
    xml.open("Request")
    xml.leaf("ReceivedDate", iso(request.received))
    xml.leaf("RYA", "0")
    decided = _known(request.outcome_date, census)
    xml.leaf("RequestOutcomeDate", decided)
    xml.leaf("RequestOutcome", ("A" if request.assessed else "N") if decided else "")
    xml.leaf("RequestMediation", "0")
    xml.leaf("RequestTribunal", "0")
    xml.leaf("Exported", "0")
    if request.assessed and decided:
        _write_assessment(xml, request, census)
    if _is_active(request, census):
        _write_active_plan(xml, request, census)
    xml.close("Request")
    xml.close("Requests")
    xml.close("Person")


def _write_assessment(xml: XmlLines, request: EhcpRequest, census: date) -> None:
    issued = _known(request.plan_start, census)
    xml.open("Assessment")
    xml.leaf("AssessmentOutcome", "Y" if issued else "")
    xml.leaf("AssessmentOutcomeDate", issued)
    xml.leaf("AssessmentMediation", "0")
    xml.leaf("AssessmentTribunal", "0")
    xml.leaf("OtherMediation", "0")
    xml.leaf("OtherTribunal", "0")
    xml.leaf("Week20", "1" if request.week20_exception else "0")
    if issued:
        ceased = _known(request.cease, census)
        xml.open("NamedPlan")
        xml.leaf("StartDate", issued)
        xml.leaf("PlanRes", "0")
        xml.leaf("PlanWBP", "0")
        xml.leaf("PB", "0")
        xml.leaf("OA", "0")
        xml.leaf("DP", "0")
        xml.leaf("CeaseDate", ceased)
        xml.leaf("CeaseReason", request.cease_reason if ceased else "")
        xml.open("PlanDetail")
        xml.leaf("URN", request.school_urn)
        xml.leaf("PlacementRank", "1")
        xml.leaf("SENunitIndicator", "0")
        xml.leaf("ResourcedProvisionIndicator", "0")
        xml.close("PlanDetail")
        xml.close("NamedPlan")
    xml.close("Assessment")


def _write_active_plan(xml: XmlLines, request: EhcpRequest, census: date) -> None:
    last_review = request.plan_start
    while add_years(last_review, 1) <= census:
        last_review = add_years(last_review, 1)
    xml.open("ActivePlans")
    xml.leaf("ReviewMeeting", iso(last_review) if last_review != request.plan_start else "")
    xml.open("PlacementDetail")
    xml.leaf("URN", request.school_urn)
    xml.leaf("PlacementRank", "1")
    xml.leaf("EntryDate", iso(request.plan_start))
    xml.leaf("SENunitIndicator", "0")
    xml.leaf("ResourcedProvisionIndicator", "0")
    xml.close("PlacementDetail")
    for rank, need in enumerate(request.needs, start=1):
        xml.open("SENneed")
        xml.leaf("SENtype", need)
        xml.leaf("SENtypeRank", rank)
        xml.close("SENneed")
    xml.close("ActivePlans")
