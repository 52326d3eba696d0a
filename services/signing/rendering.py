"""Birth deed rendering, kept under its first module name for existing imports.

New code imports from services.signing.documents, which renders every
document the office issues.
"""

from services.signing.documents.common import Sex, format_indonesian_date
from services.signing.documents.deeds import BirthDeedContent, render_birth_deed

# The birth deed's content model called the sex enum ChildSex.
ChildSex = Sex

__all__ = [
    "BirthDeedContent",
    "ChildSex",
    "format_indonesian_date",
    "render_birth_deed",
]
