"""Every XML return (CIN census, SEN2) is read safely: hostile XML is refused without expanding anything, a
truncated file stops the refresh with its line named, and an I/O error part-way is raised for the step to retry."""

import dataclasses
import errno

import pytest

from sources import cin, sen2, xml_extracts
from tests.conftest import CHECK_SETTINGS, TEST_KEY
from tests.test_cin_contract import child, cin_xml
from tests.test_sen2_contract import person, sen2_xml

KEY = TEST_KEY.encode()
TOLERANT = dataclasses.replace(CHECK_SETTINGS, max_rejected_percent=100.0)
FAMILIES = {"cin": (cin, lambda: cin_xml(child())), "sen2": (sen2, lambda: sen2_xml(person()))}
HOSTILE = {
    "entity_expansion": '<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>\n<Message>&lol2;</Message>',
    "external_entity": '<?xml version="1.0"?>\n<!DOCTYPE m [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n<Message>&xxe;</Message>',
}


def write_xml(settings, family: str, text: str) -> None:
    folder = settings.landing_dir / family
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "extract.xml").write_text(text)


@pytest.mark.parametrize("family", FAMILIES)
@pytest.mark.parametrize("hostile", HOSTILE.values(), ids=HOSTILE.keys())
def test_hostile_xml_is_refused_without_expanding_anything(settings, family, hostile):
    module, _ = FAMILIES[family]
    write_xml(settings, family, hostile)

    result = module.check_extracts(settings.landing_dir, KEY, TOLERANT)

    [fault] = result.blocking_faults
    assert fault.rule == "XML has no DOCTYPE or entity declarations"
    assert result.tables == {}
    assert "root:" not in fault.describe() and "lol" not in fault.describe()


@pytest.mark.parametrize("family", FAMILIES)
def test_a_truncated_file_stops_with_the_line_named(settings, family):
    module, clean_xml = FAMILIES[family]
    text = clean_xml()
    write_xml(settings, family, text[: len(text) * 2 // 3])

    result = module.check_extracts(settings.landing_dir, KEY, TOLERANT)

    [fault] = result.blocking_faults
    assert fault.rule == "file is readable"
    assert "not well-formed XML near line" in fault.message
    assert result.tables == {}


@pytest.mark.parametrize("family", FAMILIES)
def test_an_io_error_part_way_through_a_return_is_raised_naming_the_file_not_made_a_fault(settings, family, monkeypatch):
    """The landing share dropping out is not a broken return: the ingest step retries an OSError."""
    module, clean_xml = FAMILIES[family]
    write_xml(settings, family, clean_xml())
    parse = xml_extracts.etree.iterparse

    def share_drops_out_after_the_header(*args, **kwargs):
        yield next(iter(parse(*args, **kwargs)))
        raise OSError(errno.EIO, "Input/output error")

    monkeypatch.setattr(xml_extracts.etree, "iterparse", share_drops_out_after_the_header)

    with pytest.raises(OSError, match=r"\[Errno 5\] Input/output error") as raised:
        module.check_extracts(settings.landing_dir, KEY, TOLERANT)

    assert raised.value.filename == str(settings.landing_dir / family / "extract.xml")
