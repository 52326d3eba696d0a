from __future__ import annotations

from services.signing import rendering
from services.signing.documents import deeds
from services.signing.documents.common import Sex, format_indonesian_date


def test_rendering_keeps_birth_deed_names() -> None:
    assert rendering.BirthDeedContent is deeds.BirthDeedContent
    assert rendering.render_birth_deed is deeds.render_birth_deed
    assert rendering.ChildSex is Sex
    assert rendering.format_indonesian_date is format_indonesian_date
