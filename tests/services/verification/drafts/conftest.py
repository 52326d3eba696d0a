"""Region names of the shipped regency settings, for the draft tests."""

from __future__ import annotations

import pytest

from services.verification.drafts import PlaceNames
from shared.regency import DEFAULT_REGENCY_PATH, default_area_index, load_regency


@pytest.fixture(scope="session")
def places() -> PlaceNames:
    return PlaceNames(load_regency(DEFAULT_REGENCY_PATH), default_area_index())
