"""Regency settings, and the Indonesian administrative areas they refer to.

`load_regency` reads config/regency.toml (the office, its head, the place of
issue, public URLs) and attaches the regency's districts and villages from
the shipped area data in shared/data/idn-area (Kemendagri codes, ODbL).
`AreaIndex` looks up areas of the whole country. It reads each CSV file on
first use and keeps only code-to-name dictionaries.
"""

from __future__ import annotations

import csv
import os
import re
import tomllib
from collections.abc import Iterable, Iterator, Mapping
from datetime import date, datetime
from enum import StrEnum
from functools import cache, cached_property
from pathlib import Path
from typing import Annotated, Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import structlog
from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
)

log = structlog.get_logger()

REPOSITORY_ROOT = Path(__file__).resolve().parent.parent
AREA_DATA_DIR = Path(__file__).resolve().parent / "data" / "idn-area"
DEFAULT_REGENCY_PATH = REPOSITORY_ROOT / "config" / "regency.toml"
REGENCY_PATH_VARIABLE = "DOMPAK_REGENCY"

REGION_DIGITS_PATTERN = re.compile(r"^[0-9]{6}$")
DOTTED_VILLAGE_PATTERN = re.compile(r"^[0-9]{2}\.[0-9]{2}\.[0-9]{2}\.[0-9]{4}$")
VILLAGE_DIGITS_PATTERN = re.compile(r"^[0-9]{10}$")


class VillageKind(StrEnum):
    """Village type, from the first digit of the last part of its code."""

    KELURAHAN = "kelurahan"
    DESA = "desa"
    # Customary villages in Papua, coded 3xxx in the area data.
    DESA_ADAT = "desa_adat"


VILLAGE_KIND_DIGITS = {
    "1": VillageKind.KELURAHAN,
    "2": VillageKind.DESA,
    "3": VillageKind.DESA_ADAT,
}


class RegencyError(Exception):
    """Unreadable or invalid regency settings, with one message line per problem."""

    def __init__(self, path: Path, problems: Iterable[str]) -> None:
        self.path = path
        self.problems = tuple(problems)
        super().__init__("\n".join(f"{path}: {problem}" for problem in self.problems))


class AreaDataError(Exception):
    """A file of the area data is missing or has unexpected columns."""


def village_kind(code: str) -> VillageKind:
    """Return the kind of a village from its dotted Kemendagri code."""
    digit = code.rsplit(".", 1)[-1][:1]
    kind = VILLAGE_KIND_DIGITS.get(digit)
    if kind is None:
        raise AreaDataError(
            f"village code {code!r} starts its last part with {digit!r}; known "
            "kinds are 1 (kelurahan), 2 (desa) and 3 (desa adat)"
        )
    return kind


def dotted_village_code(code: str) -> str:
    """Write a village code as 12.17.08.2001, accepting also 1217082001."""
    if DOTTED_VILLAGE_PATTERN.match(code):
        return code
    if VILLAGE_DIGITS_PATTERN.match(code):
        return f"{code[:2]}.{code[2:4]}.{code[4:6]}.{code[6:]}"
    raise ValueError(
        f"village code {code!r} must look like 12.17.08.2001 or 1217082001 "
        "(Kemendagri province, regency, district, village)"
    )


class AreaModel(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Village(AreaModel):
    code: str
    name: str
    kind: VillageKind

    @property
    def district_code(self) -> str:
        return self.code.rsplit(".", 1)[0]


class District(AreaModel):
    code: str
    name: str
    villages: tuple[Village, ...]


class AreaIndex:
    """Provinces, regencies, districts and villages of Indonesia by Kemendagri code."""

    def __init__(self, directory: Path = AREA_DATA_DIR) -> None:
        self.directory = directory

    @cached_property
    def _provinces(self) -> dict[str, str]:
        return dict(self.rows("provinces.csv", ("code", "name")))

    @cached_property
    def _regencies(self) -> dict[str, str]:
        return dict(self.rows("regencies.csv", ("code", "province_code", "name")))

    @cached_property
    def _districts(self) -> dict[str, str]:
        return dict(self.rows("districts.csv", ("code", "regency_code", "name")))

    @cached_property
    def _villages(self) -> dict[str, str]:
        return dict(self.rows("villages.csv", ("code", "district_code", "name")))

    def province_name(self, code: str) -> str | None:
        return self._provinces.get(code)

    def regency_name(self, code: str) -> str | None:
        return self._regencies.get(code)

    def district_name(self, code: str) -> str | None:
        return self._districts.get(code)

    def region_exists(self, code6: str) -> bool:
        """Return whether six digits, as at the start of a NIK, name a known district.

        The digits are province, regency and district, e.g. 121708 for
        Pangururan. Raises ValueError when the input is not six digits.
        """
        if not REGION_DIGITS_PATTERN.match(code6):
            raise ValueError(
                f"region code {code6!r} must be 6 digits (province, regency, "
                "district), as the first 6 digits of a NIK"
            )
        return f"{code6[:2]}.{code6[2:4]}.{code6[4:]}" in self._districts

    def village(self, code: str) -> Village | None:
        """Return the village with this code, or None when the data has none.

        Loads every village of the country on the first call.
        """
        dotted = dotted_village_code(code)
        name = self._villages.get(dotted)
        if name is None:
            return None
        return Village(code=dotted, name=name, kind=village_kind(dotted))

    def districts_of(self, regency_code: str) -> list[tuple[str, str]]:
        """Return (code, name) of each district of a regency, in code order."""
        prefix = f"{regency_code}."
        return sorted(
            (code, name)
            for code, name in self._districts.items()
            if code.startswith(prefix)
        )

    def villages_of_regency(self, regency_code: str) -> list[Village]:
        """Read the villages of one regency, without loading the whole country."""
        prefix = f"{regency_code}."
        columns = ("code", "district_code", "name")
        return sorted(
            (
                Village(code=code, name=name, kind=village_kind(code))
                for code, name in self.rows("villages.csv", columns)
                if code.startswith(prefix)
            ),
            key=lambda village: village.code,
        )

    def rows(
        self, file_name: str, columns: tuple[str, ...]
    ) -> Iterator[tuple[str, str]]:
        """Yield (code, name) from one CSV file after checking its header."""
        path = self.directory / file_name
        try:
            with path.open(encoding="utf-8", newline="") as file:
                reader = csv.reader(file)
                header = tuple(next(reader, ()))
                if header != columns:
                    raise AreaDataError(
                        f"{path}: columns are {', '.join(header)}, expected "
                        f"{', '.join(columns)}; restore the file from the area data"
                    )
                for row in reader:
                    if row:
                        yield row[0], row[-1]
        except FileNotFoundError:
            raise AreaDataError(
                f"{path}: file not found; the area data must contain {file_name}"
            ) from None


@cache
def default_area_index() -> AreaIndex:
    """Return the index over the shipped area data, shared by the whole process."""
    return AreaIndex()


def _check_timezone(name: str) -> str:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(
            f"unknown time zone {name!r}; use an IANA name such as Asia/Jakarta "
            "(WIB), Asia/Makassar (WITA) or Asia/Jayapura (WIT)"
        ) from None
    return name


Text = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=120)
]
Url = Annotated[str, StringConstraints(pattern=r"^https?://[^\s/]+(/\S*)?$")]
TimeZoneName = Annotated[str, AfterValidator(_check_timezone)]


class HeadOfOffice(AreaModel):
    """The head of office (Kepala Dinas), who signs every issued document."""

    name: Text
    title: Text


class PublicUrls(AreaModel):
    """Addresses residents reach, printed in messages and QR codes."""

    resident_portal: Url
    # Base of the URL in each document's QR code; the document id follows.
    document_verification: Url


class RegencySettings(AreaModel):
    """The settings in regency.toml, before the area data is attached."""

    region_code: Annotated[str, StringConstraints(pattern=r"^[0-9]{2}\.[0-9]{2}$")]
    name: Text
    office_name: Text
    head_of_office: HeadOfOffice
    place_of_issue: Text
    timezone: TimeZoneName
    public_urls: PublicUrls
    # Corrected names of districts or villages, by dotted Kemendagri code.
    name_overrides: dict[str, Text] = Field(default_factory=dict)


class Regency(RegencySettings):
    """The regency that runs this deployment, with its districts and villages."""

    province_name: str
    districts: tuple[District, ...]

    @property
    def region_digits(self) -> str:
        """Return the region code without the dot (1217), as in register numbers."""
        return self.region_code.replace(".", "")

    @property
    def villages(self) -> tuple[Village, ...]:
        return tuple(v for district in self.districts for v in district.villages)

    def district(self, code: str) -> District | None:
        return next((d for d in self.districts if d.code == code), None)

    def village(self, code: str) -> Village | None:
        """Return the regency's village with this code, or None when it has none."""
        dotted = dotted_village_code(code)
        district = self.district(dotted.rsplit(".", 1)[0])
        if district is None:
            return None
        return next((v for v in district.villages if v.code == dotted), None)

    def today(self) -> date:
        """Return the current date in the regency's time zone."""
        return datetime.now(ZoneInfo(self.timezone)).date()


def load_regency(path: Path, area: AreaIndex | None = None) -> Regency:
    """Read the regency settings and attach the regency's districts and villages.

    Raises RegencyError naming the file and field of each problem, including
    a region code or a name override that the area data does not know.
    """
    settings = _read_settings(path)
    area = area or default_area_index()
    regency_name = area.regency_name(settings.region_code)
    if regency_name is None:
        raise RegencyError(
            path,
            [
                f"region_code: {settings.region_code!r} is no regency in the area "
                'data; use the Kemendagri code, e.g. "12.17" for Samosir'
            ],
        )
    districts = _districts(settings, area)
    _check_overrides(path, settings, districts)
    province_code = settings.region_code.split(".")[0]
    regency = Regency(
        **dict(settings),
        province_name=area.province_name(province_code) or "",
        districts=districts,
    )
    log.info(
        "regency.loaded",
        path=str(path),
        region_code=regency.region_code,
        districts=len(regency.districts),
        villages=len(regency.villages),
    )
    return regency


def _districts(settings: RegencySettings, area: AreaIndex) -> tuple[District, ...]:
    overrides = settings.name_overrides
    by_district: dict[str, list[Village]] = {}
    for village in area.villages_of_regency(settings.region_code):
        renamed = village.model_copy(
            update={"name": overrides.get(village.code, village.name)}
        )
        by_district.setdefault(village.district_code, []).append(renamed)
    return tuple(
        District(
            code=code,
            name=overrides.get(code, name),
            villages=tuple(by_district.get(code, [])),
        )
        for code, name in area.districts_of(settings.region_code)
    )


def _check_overrides(
    path: Path, settings: RegencySettings, districts: tuple[District, ...]
) -> None:
    known = {d.code for d in districts}
    known.update(v.code for d in districts for v in d.villages)
    unknown = sorted(code for code in settings.name_overrides if code not in known)
    if unknown:
        raise RegencyError(
            path,
            [
                f"name_overrides.{code}: no district or village of "
                f"{settings.region_code} has this code; use a dotted Kemendagri "
                "code such as 12.17.06"
                for code in unknown
            ],
        )


def _read_settings(path: Path) -> RegencySettings:
    raw = _read_toml(path)
    try:
        return RegencySettings.model_validate(raw)
    except ValidationError as error:
        raise RegencyError(
            path, [_describe(detail) for detail in error.errors()]
        ) from None


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as file:
            return tomllib.load(file)
    except FileNotFoundError:
        raise RegencyError(
            path, [f"file not found; set {REGENCY_PATH_VARIABLE} to the settings file"]
        ) from None
    except OSError as error:
        raise RegencyError(path, [f"cannot be read: {error.strerror}"]) from None
    except tomllib.TOMLDecodeError as error:
        raise RegencyError(
            path, [f"invalid TOML: {error}; fix the syntax there"]
        ) from None


def _describe(detail: Mapping[str, Any]) -> str:
    field = ".".join(str(part) for part in detail["loc"]) or "file"
    cause = detail.get("ctx", {}).get("error")
    if isinstance(cause, ValueError):
        return f"{field}: {cause}"
    if detail["type"] == "missing":
        return f"{field}: missing; add this field"
    if detail["type"] == "extra_forbidden":
        return f"{field}: unknown field; check its spelling or remove it"
    return f"{field}: {detail['msg']}"


def configured_regency_path() -> Path:
    """Return the path in DOMPAK_REGENCY, else config/regency.toml here."""
    configured = os.environ.get(REGENCY_PATH_VARIABLE)
    return Path(configured) if configured else DEFAULT_REGENCY_PATH


def load_configured_regency() -> Regency:
    return load_regency(configured_regency_path())
