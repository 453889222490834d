"""Keyed pseudonymisation: the same child links across families, the key matters, and no key means no load."""

import hashlib
import hmac

import pandas as pd
import pytest

from sources.pseudonymise import MissingPseudonymKey, pseudonym_key, pseudonymise


def test_same_identifier_gets_the_same_pseudonym_whatever_its_spacing_or_case():
    hashed = pseudonymise(pd.Series(["ab123", " AB123 ", "AB123"]), b"key")

    assert hashed.nunique() == 1
    assert hashed[0] != "AB123"


def test_another_key_gives_other_pseudonyms():
    identifiers = pd.Series(["AB123"])

    assert pseudonymise(identifiers, b"key one")[0] != pseudonymise(identifiers, b"key two")[0]


def test_blank_identifiers_stay_blank():
    assert pseudonymise(pd.Series([None, "X1"]), b"key").isna().tolist() == [True, False]


def test_loading_without_a_key_is_refused_with_the_variable_named(monkeypatch):
    monkeypatch.delenv("CSDW_PSEUDONYM_KEY")

    with pytest.raises(MissingPseudonymKey, match="CSDW_PSEUDONYM_KEY"):
        pseudonym_key()


def test_numeric_identifiers_link_with_or_without_leading_zeros():
    hashed = pseudonymise(pd.Series(["001234", "1234", "0"]), b"key")

    assert hashed[0] == hashed[1]
    assert hashed[2] != hashed[0]


@pytest.mark.parametrize("key", [b"key", b"a key longer than the hash's 64-byte block, which HMAC hashes first" * 2])
def test_pseudonym_is_the_hmac_sha256_of_the_normalised_identifier(key):
    assert pseudonymise(pd.Series([" ab123"]), key)[0] == hmac.new(key, b"AB123", hashlib.sha256).hexdigest()
