"""Keyed pseudonymisation of identifiers (DESIGN.md, privacy by design).

HMAC-SHA256 under `CSDW_PSEUDONYM_KEY`, applied to every identifier at ingest and the same for every family,
so one child links across CIN, SSDA903, SEN2 and NCCIS while the warehouse never holds the real identifier.
"""

import hashlib
import hmac
import os

import numpy as np
import pandas as pd

KEY_VARIABLE = "CSDW_PSEUDONYM_KEY"


class MissingPseudonymKey(RuntimeError):
    """Raised when identifiers would be loaded without the pseudonymisation secret."""


def pseudonym_key() -> bytes:
    """The secret from the environment; refuses to go on without one."""
    key = os.environ.get(KEY_VARIABLE, "")
    if not key:
        raise MissingPseudonymKey(
            f"{KEY_VARIABLE} is not set: identifiers cannot be pseudonymised. Set it to a long random secret "
            "kept outside the repository (the same one every night, or children will not link across refreshes)."
        )
    return key.encode("utf-8")


def normalise_identifier(value: str) -> str:
    """The form an identifier is hashed in, so that one child gets one pseudonym whatever system exported it:
    spacing and case ignored, and a numeric identifier's leading zeros too (spreadsheets drop them)."""
    normalised = value.strip().upper()
    return normalised.lstrip("0") or "0" if normalised.isdigit() else normalised


def normalised_identifiers(identifiers: pd.Series) -> pd.Series:
    """`normalise_identifier` of each value of a column; blanks stay blank."""
    return _per_distinct_value(identifiers, normalise_identifier, "str")


def pseudonymise(identifiers: pd.Series, key: bytes) -> pd.Series:
    """Replace each identifier by its keyed hash; blanks stay blank. The hashes are a categorical column: each
    child's 64-character hash is held once, not on every row of their records (3 GB for a regional pool's CCIS
    months, against 0.2 GB); the raw layer stores them as text."""
    codes, distinct = pd.factorize(identifiers)
    # The Python function runs once per child, not once per row.
    hashes = [hmac.new(key, normalise_identifier(value).encode("utf-8"), hashlib.sha256).hexdigest() for value in distinct.tolist()]
    # Two spellings of one identifier (`0012`, `12`) hash alike: each hash is one category. A blank stays code -1.
    hash_codes, categories = pd.factorize(pd.Series(hashes, dtype="str"))
    return pd.Series(
        pd.Categorical.from_codes(np.append(hash_codes, -1)[codes], categories=categories),
        index=identifiers.index, name=identifiers.name,
    )


def _per_distinct_value(values: pd.Series, function, dtype: str) -> pd.Series:
    # A child's identifier repeats on every row of its records: the Python function runs once per child.
    codes, distinct = pd.factorize(values)
    results = pd.array([function(value) for value in distinct.tolist()], dtype=dtype)
    return pd.Series(results.take(codes, allow_fill=True), index=values.index, name=values.name)
