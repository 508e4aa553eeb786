"""Reading administrative units for provisioning: a district's CSV, or the post-2025 national registry.

Readers only read and validate: they return a `ProvisioningPlan` (the portal unit, the unit above it,
and the communes) or raise `UnitDataError` listing every problem found, so an operator fixes a file in
one pass. `provision_plan` then writes through the services in `provisioning.services`.
"""

import csv
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field, replace
from datetime import date

from django.db import transaction

from communes.models import CommuneHomePage
from core.folding import fold
from core.numbers import parse_int
from home.models import PortalHomePage
from provisioning.services import commune_site_create, default_locale, path_slug, portal_create, unit_update_or_create
from sites.models import COMMUNE_KINDS, KIND_BY_WORD, AdministrativeUnit, UnitKind

CSV_COLUMNS = (
    "code", "name", "type", "codename", "district_code", "district_name", "province_code", "province_name",
)
COMMUNE_CODE = re.compile(r"^\d{5}$")
DISTRICT_CODE = re.compile(r"^\d{3}$")
PROVINCE_CODE = re.compile(r"^\d{2}$")
CODENAME = re.compile(r"^[a-z0-9]+(_[a-z0-9]+)*$")
# The two-tier reform took effect on this day; units of the new registry are valid from it.
REFORM_DATE = date(2025, 7, 1)


class UnitDataError(Exception):
    """The input cannot be provisioned. `problems` lists each one, naming its row where there is one."""

    def __init__(self, problems):
        self.problems = list(problems)
        super().__init__("\n".join(self.problems))


@dataclass(frozen=True)
class UnitSpec:
    code: str
    name: str
    kind: str
    codename: str


@dataclass
class ProvisioningPlan:
    portal: UnitSpec
    parent: UnitSpec | None
    communes: list[UnitSpec] = field(default_factory=list)
    valid_from: date | None = None


def nfc(value):
    return unicodedata.normalize("NFC", (value or "").strip())


def codename_for(name):
    """"Huyện Đắk Hà" → "huyen_dak_ha" (folding turns đ into d, which Unicode decomposition does not)."""
    return re.sub(r"[^a-z0-9]+", "_", fold(name)).strip("_")


def _kind_word(kind):
    return {value: word for word, value in KIND_BY_WORD.items()}[kind]


COMMUNE_WORDS = ", ".join(sorted(word for word, kind in KIND_BY_WORD.items() if kind in COMMUNE_KINDS))


def read_units_csv(lines, *, district_code=None):
    """Read a district's units (one row per commune, the official export's columns).

    `lines` is any iterable of text lines (an open file). The district is the one named by
    `district_code`, or else by the first row; a row of another district is an error.
    """
    problems = []
    try:
        reader = csv.DictReader(lines)
        header = [nfc(name).lower() for name in (reader.fieldnames or [])]
    except UnicodeDecodeError:
        raise UnitDataError(["Tệp không đọc được theo bảng mã UTF-8; hãy lưu lại tệp CSV ở dạng UTF-8."]) from None
    missing = [column for column in CSV_COLUMNS if column not in header]
    if missing:
        raise UnitDataError([
            f"Dòng 1 (tiêu đề): thiếu cột {', '.join(missing)}. Tệp cần đủ các cột: {', '.join(CSV_COLUMNS)}."
        ])
    reader.fieldnames = header

    communes, seen_codes, seen_codenames = [], {}, {}
    district = province = None
    row_number = 1
    try:
        for raw in reader:
            row_number = reader.line_num
            if not any(nfc(value) for key, value in raw.items() if key is not None and isinstance(value, str)):
                continue  # blank line
            row = {column: nfc(raw.get(column)) for column in CSV_COLUMNS}
            row_problems = []
            if raw.get(None):
                row_problems.append(f"thừa {len(raw[None])} ô so với tiêu đề")
            empty = [column for column in CSV_COLUMNS if not row[column]]
            if empty:
                row_problems.append(f"thiếu giá trị cột {', '.join(empty)}")
            code, name, word, codename = row["code"], row["name"], row["type"].lower(), row["codename"]
            if code and not COMMUNE_CODE.match(code):
                row_problems.append(f"mã đơn vị “{code}” không hợp lệ (mã cấp xã gồm đúng 5 chữ số)")
            if word and KIND_BY_WORD.get(word) not in COMMUNE_KINDS:
                row_problems.append(f"loại đơn vị “{row['type']}” không hợp lệ (chỉ nhận: {COMMUNE_WORDS})")
            if codename and not CODENAME.match(codename):
                row_problems.append(f"tên mã “{codename}” không hợp lệ (chỉ gồm chữ thường không dấu, số và dấu _)")
            if row["district_code"] and not DISTRICT_CODE.match(row["district_code"]):
                row_problems.append(f"mã huyện “{row['district_code']}” không hợp lệ (gồm đúng 3 chữ số)")
            if row["province_code"] and not PROVINCE_CODE.match(row["province_code"]):
                row_problems.append(f"mã tỉnh “{row['province_code']}” không hợp lệ (gồm đúng 2 chữ số)")
            if row["district_code"]:
                expected = district_code or (district or {}).get("district_code")
                if expected is None:
                    district = row
                elif row["district_code"] != expected:
                    file_district = f"{expected} {district['district_name']}" if district else expected
                    row_problems.append(
                        f"thuộc huyện {row['district_code']} ({row['district_name']}), không phải huyện của tệp "
                        f"({file_district})"
                    )
                elif district is None:
                    district = row
            if code in seen_codes:
                row_problems.append(f"mã {code} trùng với dòng {seen_codes[code]}")
            if codename and codename in seen_codenames:
                row_problems.append(f"tên mã {codename} trùng với dòng {seen_codenames[codename]}")
            if row_problems:
                problems.append(f"Dòng {row_number} ({code or 'không mã'} {name}): " + "; ".join(row_problems) + ".")
                continue
            seen_codes[code] = row_number
            seen_codenames[codename] = row_number
            province = province or row
            communes.append(UnitSpec(code=code, name=name, kind=KIND_BY_WORD[word], codename=codename))
    except UnicodeDecodeError:
        problems.append(f"Dòng {row_number + 1}: không đọc được theo bảng mã UTF-8; hãy lưu lại tệp ở dạng UTF-8.")
    except csv.Error as error:
        problems.append(f"Dòng {row_number + 1}: dòng CSV hỏng ({error}).")

    if district_code and district is None and not problems:
        problems.append(f"Tệp không có đơn vị nào thuộc huyện mã {district_code}.")
    if not communes and not problems:
        problems.append("Tệp không có dòng dữ liệu nào.")
    if problems:
        raise UnitDataError(problems)

    province_name = province["province_name"]
    province_kind = UnitKind.CITY if province_name.lower().startswith("thành phố") else UnitKind.PROVINCE
    return ProvisioningPlan(
        portal=UnitSpec(
            code=district["district_code"], name=district["district_name"], kind=UnitKind.DISTRICT,
            codename=codename_for(district["district_name"]),
        ),
        parent=UnitSpec(
            code=province["province_code"], name=province_name, kind=province_kind,
            codename=codename_for(province_name),
        ),
        communes=communes,
    )


WARD_KINDS = {"xã": UnitKind.COMMUNE, "phường": UnitKind.WARD, "đặc khu": UnitKind.SPECIAL_ZONE}


def province_choices():
    from vietnam_provinces import Province

    return ", ".join(f"{int(p.code):02d} {p.name}" for p in Province.iter_all())


def read_province(code):
    """The portal of a province (or centrally-run city) and all its communes, wards and special zones."""
    from vietnam_provinces import Province, VietNamDivisionType, Ward

    text = nfc(str(code))
    province = None
    number = parse_int(text, minimum=0)  # "²".isdigit() is true, int("²") fails
    if number is not None:
        province = next((p for p in Province.iter_all() if int(p.code) == number), None)
    if province is None:
        raise UnitDataError([
            f"Không có tỉnh, thành phố mã “{text}” trong danh mục đơn vị hành chính sau sắp xếp năm 2025. "
            f"Các mã hợp lệ: {province_choices()}."
        ])
    is_city = province.division_type == VietNamDivisionType.THANH_PHO_TRUNG_UONG
    name = province.name if is_city else f"Tỉnh {province.name}"
    communes = []
    problems = []
    for ward in Ward.iter_by_province(province.code):
        kind = WARD_KINDS.get(ward.division_type.value)
        if kind is None:  # the package grew a new kind of unit we do not know how to serve
            problems.append(f"Đơn vị {ward.name} ({int(ward.code):05d}): loại “{ward.division_type.value}” chưa được hỗ trợ.")
            continue
        communes.append(UnitSpec(code=f"{int(ward.code):05d}", name=ward.name, kind=kind, codename=ward.codename))
    communes = _disambiguate_codenames(communes)
    if problems:
        raise UnitDataError(problems)
    return ProvisioningPlan(
        portal=UnitSpec(
            code=f"{int(province.code):02d}", name=name, kind=UnitKind.CITY if is_city else UnitKind.PROVINCE,
            codename=codename_for(name),
        ),
        parent=None,
        communes=communes,
        valid_from=REFORM_DATE,
    )


def _disambiguate_codenames(specs):
    """Give every unit of a group sharing one codename its code as suffix.

    The registry folds diacritics into codenames, so distinct communes can share one: in Hồ Chí Minh
    City "Xã Thanh An" and "Xã Thạnh An" are both `xa_thanh_an`. Paths and hostnames come from the
    codename, and neither commune has a better claim to the plain one, so both get their code:
    `/xa-thanh-an-25807/` and `/xa-thanh-an-27676/`.
    """
    counts = Counter(spec.codename for spec in specs)
    return [
        replace(spec, codename=f"{spec.codename}_{spec.code}") if counts[spec.codename] > 1 else spec
        for spec in specs
    ]


def check_plan_against_database(plan):
    """Problems the database would raise midway, found before anything is written."""

    problems = []
    portal = PortalHomePage.objects.filter(locale=default_locale()).select_related("unit").first()
    if portal is not None and portal.unit.code != plan.portal.code:
        problems.append(
            f"Hệ thống đã có cổng thông tin của {portal.unit}; mỗi cài đặt chỉ phục vụ một cổng, "
            f"không thể tạo thêm cổng {plan.portal.name} ({plan.portal.code})."
        )
    specs = ([plan.parent] if plan.parent else []) + [plan.portal] + plan.communes
    existing = {unit.code: unit for unit in AdministrativeUnit.objects.filter(code__in=[s.code for s in specs])}
    for spec in specs:
        unit = existing.get(spec.code)
        if unit is not None and (unit.kind in COMMUNE_KINDS) != (spec.kind in COMMUNE_KINDS):
            problems.append(
                f"Mã {spec.code} đã thuộc về {unit} ({unit.get_kind_display().lower()}), "
                f"không thể dùng cho {spec.name} ({_kind_word(spec.kind)})."
            )
    if portal is not None and portal.unit.code == plan.portal.code:
        homes = dict(
            CommuneHomePage.objects.child_of(portal).values_list("slug", "unit__code")
        )
        taken = {page.slug for page in portal.get_children().exclude(id__in=CommuneHomePage.objects.values("id"))}
        for spec in plan.communes:
            slug = path_slug(spec)
            if slug in taken or homes.get(slug, spec.code) != spec.code:
                problems.append(f"Đường dẫn /{slug}/ của {spec.name} ({spec.code}) đã được trang khác sử dụng.")
    return problems


@transaction.atomic
def provision_units(plan):
    """Write the registry rows (province, portal unit, communes) in one transaction; returns (portal_unit, units)."""

    parent = None
    if plan.parent:
        parent = unit_update_or_create(**_fields(plan.parent), valid_from=plan.valid_from)
    portal_unit = unit_update_or_create(**_fields(plan.portal), parent=parent, valid_from=plan.valid_from)
    units = [
        unit_update_or_create(**_fields(spec), parent=portal_unit, valid_from=plan.valid_from)
        for spec in plan.communes
    ]
    return portal_unit, units


def _fields(spec):
    return {"code": spec.code, "name": spec.name, "kind": spec.kind, "codename": spec.codename}


@dataclass
class ProvisioningResult:
    portal: object
    created: list = field(default_factory=list)  # unit of each commune site created by this run
    completed: list = field(default_factory=list)  # units whose site already existed (checked, completed)


def provision_plan(plan, *, on_commune=None):
    """Build the portal and every commune site of a validated plan.

    The registry rows and the portal are written in one transaction; then each commune site in its own
    (inside `commune_site_create`), so an interruption never leaves a half-built commune: the communes
    already done stay, and running again completes the rest without duplicating anything.
    `on_commune(unit, created)` is called after each commune, for progress display.
    """

    problems = check_plan_against_database(plan)
    if problems:
        raise UnitDataError(problems)
    with transaction.atomic():
        portal_unit, units = provision_units(plan)
        portal = portal_create(unit=portal_unit)
    result = ProvisioningResult(portal=portal)
    existing = set(CommuneHomePage.objects.filter(unit__in=units, locale=portal.locale).values_list("unit_id", flat=True))
    for unit in units:
        commune_site_create(unit=unit, portal=portal)
        created = unit.pk not in existing
        (result.created if created else result.completed).append(unit)
        if on_commune:
            on_commune(unit, created)
    return result
