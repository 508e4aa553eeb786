"""Builds the Đắk Hà demo the way real provisioning does, then writes its content.

Idempotent: sites come from the same services as `manage.py provision`; content pages are keyed by
slug and only created when missing; profile, organisation and identity are filled only while still
empty, so an editor's later changes are never overwritten. Users get the demo password only when
they are created. Everything is deterministic: the same facts always give the same pages.
"""

import random
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from html import escape

from django.conf import settings
from django.contrib.auth.models import Group, User
from django.db import transaction
from django.utils import timezone
from wagtail.models import Collection, Page, Revision

from communes.models import (
    CommuneHomePage,
    CommuneProfilePage,
    DocumentAttachment,
    DocumentIndexPage,
    LegalDocumentPage,
    NewsIndexPage,
    NewsPage,
    OrganisationPage,
    Village,
)
from languages.models import Language
from languages.services import enable_language
from provisioning.demo import data, media
from provisioning.demo.broadcasts import load_broadcasts
from provisioning.demo.english import ORGANISATION_TITLE_EN, Bilingual, translate_page
from provisioning.demo.questions import load_questions
from provisioning.importers import provision_plan, read_units_csv
from provisioning.services import PORTAL_ADMINS_GROUP, commune_site_create, hostname_label
from sites.models import CommuneSite

CSV_PATH = "provisioning/data/dak-ha-district-units-2024.csv"
KINH_SURNAMES = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Võ", "Đặng", "Bùi", "Đỗ", "Ngô", "Phan", "Huỳnh"]
KINH_GIVEN = ["Hùng", "Lan", "Dũng", "Tài", "Mai", "Thắng", "Hạnh", "Quang", "Thu", "Lực", "Ngọc", "Sơn",
              "Hòa", "Tuấn", "Hương", "Bình", "Nga", "Khánh", "Trung", "Yến"]
MINORITY_GIVEN = ["Thuấn", "Hiên", "Khoa", "Blưu", "Mếch", "Khuyên", "Dũng", "Thảo", "Hiếu", "Nhi", "Tuyên",
                  "Bích", "Đoan", "Phương", "Hùng", "Lanh"]
KIND_EN = {"xã": "commune", "thị trấn": "township", "phường": "ward"}
RADIO_NOTES = {
    "ip-2023": "đã nâng cấp lên đài truyền thanh ứng dụng công nghệ thông tin - viễn thông năm 2023",
    "ip-planned": "đang được đầu tư đài truyền thanh ứng dụng công nghệ thông tin - viễn thông theo lộ trình "
                  "đến năm 2025",
    "fm": "đang sử dụng đài truyền thanh không dây FM, sẽ chuyển sang công nghệ thông tin - viễn thông",
}


@dataclass
class DemoResult:
    portal: object
    communes: list
    users: list = field(default_factory=list)  # (username, role, created)
    pages_created: int = 0
    questions_created: int = 0
    broadcasts_created: int = 0  # areas, board groups, devices and board notices


def vi_number(value):
    """12150 → "12.150" (Vietnamese thousands separator)."""
    return f"{value:,}".replace(",", ".")


def paragraphs(texts):
    return [{"type": "paragraph", "value": f"<p>{escape(text)}</p>"} for text in texts]


def html_list(items):
    return "<ul>" + "".join(f"<li>{escape(item)}</li>" for item in items) + "</ul>"


class People:
    """Invented, deterministic names: never the same person twice across the district."""

    def __init__(self):
        self.used = set()

    def pick(self, rng, minority):
        while True:
            if minority:
                name = f"{rng.choice(['A', 'Y'])} {rng.choice(MINORITY_GIVEN)}"
            else:
                middle = rng.choice(["Văn", "Thị", "Minh", "Đức", "Thanh"])
                name = f"{rng.choice(KINH_SURNAMES)} {middle} {rng.choice(KINH_GIVEN)}"
            if name not in self.used:
                self.used.add(name)
                return name


class CommuneFacts:
    """One commune's facts plus everything derived from them deterministically."""

    def __init__(self, unit, facts, people):
        self.unit, self.facts = unit, facts
        self.rng = random.Random(int(unit.code))  # only for the names below; other draws use rng_for()
        self.short = unit.short_name
        self.kind = unit.name[: len(unit.name) - len(self.short) - 1].lower()  # "xã" / "thị trấn"
        self.kind_en = KIND_EN[self.kind]
        self.label = hostname_label(unit)
        self.villages = facts["villages"]
        self.center = self.villages[0][0]
        self.chair = people.pick(self.rng, facts["minority_led"])
        self.vice_chair = people.pick(self.rng, not facts["minority_led"])
        self.culture_officer = people.pick(self.rng, facts["minority_led"])
        self.office_officer = people.pick(self.rng, False)
        self.phone = f"0260 38{unit.code[-2:]} {self.rng.randint(100, 999)}"

    def rng_for(self, purpose):
        """A generator of its own per purpose, so one item's draws never shift another's."""
        return random.Random(f"{self.unit.code}-{purpose}")

    @staticmethod
    def bare_name(name):
        return name.removeprefix("Thôn ").removeprefix("Tổ dân phố ")

    def village_label(self, name, kind):
        """"thôn 1A", "làng Kon Kơ Đeh", "tổ dân phố 4": the words used mid-sentence."""
        word = {"thon": "thôn", "lang": "làng", "to_dan_pho": "tổ dân phố"}[kind]
        return f"{word} {self.bare_name(name)}"

    def some_villages(self, count, purpose):
        return [self.village_label(*village) for village in self.rng_for(purpose).sample(self.villages, count)]

    def email(self, who=""):
        return f"{self.label}{'.' + who if who else ''}@{data.EMAIL_DOMAIN}"

    def person(self, name, position, responsibility="", who=""):
        return {"type": "person", "value": {
            "name": name, "position": position, "responsibility": responsibility,
            "phone": f"0260 38{self.unit.code[-2:]} {self.rng_for(who).randint(100, 999)}", "email": self.email(who),
        }}

    def leaders(self):
        return [
            self.person(self.chair, f"Chủ tịch Ủy ban nhân dân {self.kind}", "Phụ trách chung", "chutich"),
            self.person(self.vice_chair, f"Phó Chủ tịch Ủy ban nhân dân {self.kind}",
                        "Kinh tế, văn hóa - xã hội, chuyển đổi số", "phochutich"),
        ]

    def focal_points(self):
        return [
            self.person(self.culture_officer, "Công chức Văn hóa - Xã hội",
                        "Thông tin cơ sở, đài truyền thanh, trang thông tin điện tử", "vhxh"),
            self.person(self.office_officer, "Công chức Văn phòng - Thống kê",
                        "Tiếp nhận hỏi đáp, phản ánh, kiến nghị của người dân", "vanphong"),
        ]

    def contact_wording(self):
        """The English of the positions and duties in `leaders()` and `focal_points()`."""
        return {
            f"Chủ tịch Ủy ban nhân dân {self.kind}": f"Chairperson of the {self.kind_en.title()} People's Committee",
            "Phụ trách chung": "General direction",
            f"Phó Chủ tịch Ủy ban nhân dân {self.kind}":
                f"Vice-Chairperson of the {self.kind_en.title()} People's Committee",
            "Kinh tế, văn hóa - xã hội, chuyển đổi số": "Economy, culture and social affairs, digital transformation",
            "Công chức Văn hóa - Xã hội": "Culture and Social Affairs Officer",
            "Thông tin cơ sở, đài truyền thanh, trang thông tin điện tử":
                "Grassroots information, the loudspeaker radio, the website",
            "Công chức Văn phòng - Thống kê": "Office and Statistics Officer",
            "Tiếp nhận hỏi đáp, phản ánh, kiến nghị của người dân":
                "Receives citizens' questions, feedback and petitions",
        }


def load_demo(stdout=None, *, port=8000):
    """Build (or complete) the whole demo; returns what was done, for the command to print."""
    with open(settings.BASE_DIR / CSV_PATH, encoding="utf-8-sig", newline="") as lines:
        plan = read_units_csv(lines)
    result = provision_plan(plan)
    portal = result.portal
    homes = {home.unit.code: home for home in
             CommuneHomePage.objects.child_of(portal).filter(locale=portal.locale_id).select_related("unit")}
    demo = DemoResult(portal=portal, communes=list(homes.values()))
    users = _users(demo, homes)
    author = users["quantri"]
    people = People()
    commune_facts = {}
    with transaction.atomic():
        demo.pages_created += _portal_content(portal, author)
        for code in sorted(homes):
            facts = commune_facts[code] = CommuneFacts(homes[code].unit, data.COMMUNES[code], people)
            demo.pages_created += _commune_content(homes[code], facts, author)
    # After every page: citizens' names are drawn from the same People, so they never repeat an official's.
    demo.questions_created = load_questions(commune_facts, homes, users, people)
    with transaction.atomic():
        demo.broadcasts_created = load_broadcasts(commune_facts, homes, author)
    if demo.pages_created:  # a fresh build: an older demo being upgraded keeps the languages it had
        _enable_languages(homes)
    return demo


# Đắk Hà is in former Kon Tum, where Ba Na and Xơ Đăng are spoken: every commune publishes in them.
# Enabled only: no text is written in those languages (translators write it).
DEMO_LANGUAGES = ("bdq", "sed")


def _enable_languages(homes):
    languages = list(Language.objects.filter(code__in=DEMO_LANGUAGES))
    for home in homes.values():
        commune = CommuneSite.objects.get(home=home)
        for language in languages:
            enable_language(language, commune)


def _publish(page, author):
    page.save_revision(user=author, log_action=True).publish(user=author)


def _add(parent, page, author):
    """Add a child page and publish its first revision, so the admin shows its history."""
    page.live = False
    parent.add_child(instance=page)
    _publish(page, author)
    return 1


def _portal_content(portal, author):
    created = 0
    collection = Collection.get_first_root_node()  # the portal's staff work in the root collection
    if not portal.address:
        portal.intro = data.PORTAL_INTRO
        for name, value in data.PORTAL_IDENTITY.items():
            setattr(portal, name, value)
        # A fresh demo only: an existing one keeps its images table as it was (`make check-upgrade`).
        portal.logo = media.add_image(
            title="Biểu trưng Ủy ban nhân dân huyện Đắk Hà", description=portal.logo_alt,
            content=media.seal_logo(), filename="bieu-trung-dak-ha.png", collection=collection, user=author,
        )
        portal.leaders, portal.focal_points = _contacts(data.PORTAL_LEADERS), _contacts(data.PORTAL_FOCAL_POINTS)
        _publish(portal, author)
        created += _portal_organisation(portal, author)
    index = DocumentIndexPage.objects.child_of(portal).first()
    if index is None:
        created += _add(portal, DocumentIndexPage(title="Văn bản", slug="van-ban", show_in_menus=True,
                                                  intro="Văn bản chỉ đạo, điều hành của huyện và cấp trên."), author)
        index = DocumentIndexPage.objects.child_of(portal).get()
    existing = set(index.get_children().values_list("slug", flat=True))
    for spec in data.DISTRICT_DOCUMENTS:
        if spec["slug"] not in existing:
            created += _add_document(index, _document(spec), collection, author)
    return created


def _contacts(people):
    return [{"type": "person", "value": {"name": name, "position": position[0], "responsibility": duty[0],
                                         "phone": phone, "email": email}}
            for name, position, duty, phone, email in people]


def _portal_organisation(portal, author):
    """The district's organisation page, in Vietnamese and English (a fresh demo only: see the caller)."""
    if OrganisationPage.objects.child_of(portal).exists():
        return 0
    chair, vice_chair = data.PORTAL_LEADERS[0][0], data.PORTAL_LEADERS[1][0]
    functions = Bilingual().paragraph(
        "Ủy ban nhân dân huyện Đắk Hà là cơ quan chấp hành của Hội đồng nhân dân huyện, cơ quan hành chính nhà "
        "nước ở địa phương, chịu trách nhiệm trước Hội đồng nhân dân huyện và Ủy ban nhân dân tỉnh Kon Tum.",
        "The People's Committee of Đắk Hà District is the executive body of the District People's Council and "
        "the local state administrative body, accountable to the District People's Council and to the People's "
        "Committee of Kon Tum Province.",
    ).items([
        ("Xây dựng, trình Hội đồng nhân dân huyện quyết định kế hoạch phát triển kinh tế - xã hội, dự toán ngân "
         "sách và tổ chức thực hiện",
         "Preparing the socio-economic development plan and the budget for the District People's Council to "
         "decide, and carrying them out"),
        ("Quản lý nhà nước về đất đai, tài nguyên, nông nghiệp, xây dựng, giáo dục, y tế, văn hóa và thông tin "
         "trên địa bàn huyện",
         "State management of land, natural resources, agriculture, construction, education, health, culture "
         "and information in the district"),
        ("Chỉ đạo, hướng dẫn và kiểm tra hoạt động của Ủy ban nhân dân 10 xã và thị trấn Đắk Hà",
         "Directing, guiding and inspecting the People's Committees of the 10 communes and Đắk Hà Township"),
        ("Bảo đảm quốc phòng, an ninh, trật tự, an toàn xã hội; phòng, chống thiên tai",
         "Ensuring defence, security, public order and safety; preventing and responding to natural disasters"),
        ("Vận hành cổng thông tin điện tử huyện và hệ thống thông tin cơ sở kết nối các xã",
         "Running the district web portal and the grassroots information system that links the communes"),
    ])
    structure = Bilingual().paragraph(
        f"Lãnh đạo: Chủ tịch {chair} và Phó Chủ tịch {vice_chair}. Các cơ quan chuyên môn thuộc Ủy ban nhân dân "
        "huyện:",
        f"Leadership: Chairperson {chair} and Vice-Chairperson {vice_chair}. The specialised agencies of the "
        "District People's Committee:",
    ).items([
        ("Văn phòng Hội đồng nhân dân và Ủy ban nhân dân huyện",
         "Office of the District People's Council and People's Committee"),
        ("Phòng Nội vụ; Phòng Tư pháp; Thanh tra huyện",
         "Division of Home Affairs; Division of Justice; District Inspectorate"),
        ("Phòng Tài chính - Kế hoạch; Phòng Kinh tế - Hạ tầng",
         "Division of Finance and Planning; Division of Economy and Infrastructure"),
        ("Phòng Nông nghiệp và Phát triển nông thôn; Phòng Tài nguyên và Môi trường",
         "Division of Agriculture and Rural Development; Division of Natural Resources and Environment"),
        ("Phòng Giáo dục và Đào tạo; Phòng Y tế; Phòng Lao động - Thương binh và Xã hội; Phòng Dân tộc",
         "Division of Education and Training; Division of Health; Division of Labour, Invalids and Social "
         "Affairs; Division of Ethnic Affairs"),
        ("Phòng Văn hóa - Thông tin (quản trị cổng thông tin điện tử) và Trung tâm Văn hóa - Thể thao - Du lịch "
         "và Truyền thông huyện",
         "Division of Culture and Information (runs the web portal) and the District Centre for Culture, Sports, "
         "Tourism and Communication"),
    ])
    page = OrganisationPage(title="Cơ cấu tổ chức", slug="co-cau-to-chuc", show_in_menus=True,
                            functions=functions.html(), structure=structure.html(),
                            leaders=_contacts(data.PORTAL_LEADERS), focal_points=_contacts(data.PORTAL_FOCAL_POINTS))
    created = _add(portal, page, author)
    contacts = {text[0]: text[1] for person in (*data.PORTAL_LEADERS, *data.PORTAL_FOCAL_POINTS)
                for text in person[1:3]}
    translate_page(page, {page.title: ORGANISATION_TITLE_EN, **functions.wording(), **structure.wording(),
                          **contacts}, author)
    return created + 1


def _dated(page, day, hour=8, minute=30):
    """Publication times that agree with the page's own date, as if it went online that morning: the
    "last updated" line is then never years newer than the article (its revisions move too)."""
    when = timezone.make_aware(datetime.combine(day, time(hour, minute)))
    Page.objects.filter(pk=page.pk).update(
        first_published_at=when, last_published_at=when, latest_revision_created_at=when
    )
    Revision.page_revisions.filter(object_id=str(page.pk)).update(created_at=when)


def _add_news(parent, page, collection, author, seed):
    """A new news item, with an illustration in the commune's collection, dated as it says."""
    page.image_alt = f"Hình minh họa có dòng chữ: {page.title}"
    page.image = media.add_image(
        title=page.title[:255], description=page.image_alt,
        content=media.news_illustration(page.title, page.category, seed),
        filename=f"{page.slug}.jpg", collection=collection, user=author,
    )
    created = _add(parent, page, author)
    _dated(page, page.date)
    return created


def _add_document(parent, page, collection, author):
    """A new legal document with its file: a PDF of its number and summary, in the site's collection."""
    pdf = media.document_pdf(
        issuing_body=page.issuing_body, number=page.number, title=page.title, issue_date=page.issue_date,
        summary=page.summary, signer=page.signer,
    )
    document = media.add_document(
        title=page.title[:255], content=pdf, filename=f"{page.slug}.pdf", collection=collection, user=author
    )
    page.attachments.add(DocumentAttachment(document=document, title=f"Toàn văn {page.number} (PDF)"))
    created = _add(parent, page, author)
    if page.issue_date:
        _dated(page, page.issue_date, hour=15)
    return created


def _document(spec):
    fields = {key: value for key, value in spec.items() if key != "body"}
    title = f"{dict(LegalDocumentPage._meta.get_field('document_type').choices)[spec['document_type']]} " \
            f"số {spec['number']}"
    return LegalDocumentPage(title=title, body=paragraphs(spec["body"]), **fields)


def _commune_content(home, facts, author):
    created = 0
    short, kind = facts.short, facts.kind
    if not home.address:
        home.intro = (f"Trang thông tin điện tử của Ủy ban nhân dân {kind} {short}, huyện Đắk Hà: "
                      f"tin tức, văn bản, thủ tục và hỏi đáp với chính quyền {kind}.")
        village = facts.village_label(*facts.villages[0])
        home.address = f"{village[0].upper()}{village[1:]}, {kind} {short}, huyện Đắk Hà, tỉnh Kon Tum"
        home.phone, home.email = facts.phone, facts.email()
        home.leaders, home.focal_points = facts.leaders(), facts.focal_points()
        home.hotline = facts.phone
        # The vice chair heads the editorial board (the demo's decision on the board says so).
        home.content_responsible = f"{facts.vice_chair}, Phó Chủ tịch Ủy ban nhân dân {kind}, Trưởng Ban biên tập"
        _publish(home, author)

    profile = CommuneProfilePage.objects.child_of(home).first()
    if profile is not None and profile.population is None:
        _fill_profile(profile, facts)
        _publish(profile, author)
    organisation = OrganisationPage.objects.child_of(home).first()
    if organisation is not None and not organisation.functions:
        english = _fill_organisation(organisation, facts)
        _publish(organisation, author)
        # Made with the Vietnamese page, so never on an older demo (`make check-upgrade`).
        if home.unit.code in data.ENGLISH_COMMUNES:
            translate_page(organisation, english, author)
            created += 1

    collection = CommuneSite.objects.select_related("collection").get(unit=home.unit).collection
    news_index = NewsIndexPage.objects.child_of(home).first()
    existing = set(news_index.get_children().values_list("slug", flat=True))
    for slug, page in _news(facts):
        if slug not in existing:
            page.slug = slug
            created += _add_news(news_index, page, collection, author, seed=f"{home.unit.code}:{slug}")

    document_index = DocumentIndexPage.objects.child_of(home).first()
    existing = set(document_index.get_children().values_list("slug", flat=True))
    for page in _commune_documents(facts):
        if page.slug not in existing:
            created += _add_document(document_index, page, collection, author)
    return created


def _fill_profile(profile, facts):
    f = facts.facts
    rng = random.Random(f"villages-{facts.unit.code}")
    population, households = f["population"], f["households"]
    profile.area_km2 = Decimal(f["area"])
    profile.population, profile.households = population, households
    profile.statistics_year = 2024
    profile.ethnic_groups = f["ethnic_groups"]
    profile.intro = (f"{facts.unit.name} nằm ở {f['position']}, có {len(facts.villages)} thôn, làng, tổ dân phố "
                     f"với {vi_number(population)} người thuộc các dân tộc {f['ethnic_groups']}.")
    profile.location = (f"<p>{escape(facts.unit.name)} nằm ở {escape(f['position'])}; {escape(f['borders'])}. "
                        f"Trụ sở Ủy ban nhân dân đặt tại {escape(facts.village_label(*facts.villages[0]))}.</p>")
    profile.natural_conditions = (
        f"<p>Diện tích tự nhiên {escape(f['area'].replace('.', ','))} km²; {escape(f['terrain'])}.</p>"
        + html_list(["Khí hậu nhiệt đới gió mùa cao nguyên, mùa mưa từ tháng 5 đến tháng 10, mùa khô từ tháng 11 "
                     "đến tháng 4 năm sau", f"Cây trồng chủ lực: {f['crop'][0]}, khoảng {f['crop'][1]} ha"])
    )
    radio = data_radio_note(facts)
    profile.economy = (
        "<p>Các ngành kinh tế chính:</p>" + html_list(f["economy"])
        + f"<p>Thông tin cơ sở: hệ thống truyền thanh của {escape(facts.kind)} {escape(radio)}"
        + ("; có bảng tin điện tử công cộng đặt tại trụ sở Ủy ban nhân dân" if f["e_board"] else "")
        + ".</p>"
    )
    # Split population and households across villages: deterministic, summing to the commune's totals.
    weights = [rng.uniform(0.6, 1.4) for _ in facts.villages]
    villages = []
    for position, ((name, kind), weight) in enumerate(zip(facts.villages, weights, strict=True)):
        share = weight / sum(weights)
        villages.append(Village(
            name=facts.bare_name(name),
            kind=kind, households=round(households * share), population=round(population * share),
            note="Nơi đặt trụ sở Ủy ban nhân dân" if position == 0 else "", sort_order=position,
        ))
    profile.villages = villages


def data_radio_note(facts):
    return RADIO_NOTES[facts.facts["radio"]]


def _fill_organisation(page, facts):
    """Fill the organisation page in Vietnamese; returns its English wording (`english.translate_page`)."""
    kind, short, kind_en = facts.kind, facts.short, facts.kind_en
    functions = Bilingual().paragraph(
        f"Ủy ban nhân dân {kind} {short} là cơ quan hành chính nhà nước ở cơ sở, tổ chức thi hành Hiến pháp, "
        f"pháp luật và nghị quyết của Hội đồng nhân dân cùng cấp trên địa bàn {len(facts.villages)} thôn, làng, "
        "tổ dân phố.",
        f"The People's Committee of {short} {kind_en.title()} is the state administrative body at the grassroots "
        f"level. It enforces the Constitution, the law and the resolutions of the {kind_en} People's Council "
        f"across its {len(facts.villages)} villages, hamlets and residential groups.",
    ).items([
        ("Xây dựng và tổ chức thực hiện kế hoạch phát triển kinh tế - xã hội, dự toán ngân sách hằng năm",
         "Drawing up and carrying out the socio-economic development plan and the annual budget"),
        ("Quản lý đất đai, tài nguyên, bảo vệ rừng và môi trường; phòng, chống thiên tai",
         "Managing land and natural resources, protecting forests and the environment; preventing and "
         "responding to natural disasters"),
        ("Bảo đảm quốc phòng, an ninh, trật tự, an toàn xã hội; tiếp công dân, giải quyết khiếu nại, tố cáo",
         "Ensuring defence, security, public order and safety; receiving citizens and settling complaints and "
         "denunciations"),
        ("Giải quyết thủ tục hành chính tại bộ phận một cửa; cung cấp dịch vụ công trực tuyến",
         "Handling administrative procedures at the one-stop desk; providing online public services"),
        ("Vận hành hệ thống thông tin cơ sở: đài truyền thanh, trang thông tin điện tử"
         + (", bảng tin điện tử công cộng" if facts.facts["e_board"] else ""),
         "Running the grassroots information system: the loudspeaker radio, the website"
         + (", the public e-board" if facts.facts["e_board"] else "")),
    ])
    structure = Bilingual().paragraph(
        f"Lãnh đạo: Chủ tịch {facts.chair} và Phó Chủ tịch {facts.vice_chair}. Giúp việc có các công chức chuyên môn:",
        f"Leadership: Chairperson {facts.chair} and Vice-Chairperson {facts.vice_chair}, assisted by specialised "
        "civil servants:",
    ).items([
        (f"Văn phòng - Thống kê ({facts.office_officer}): tổng hợp, một cửa, tiếp nhận hỏi đáp của người dân",
         f"Office and Statistics ({facts.office_officer}): coordination, the one-stop desk, citizens' questions"),
        ("Địa chính - Xây dựng - Nông nghiệp và Môi trường",
         "Land Administration, Construction, Agriculture and Environment"),
        ("Tài chính - Kế toán", "Finance and Accounting"),
        ("Tư pháp - Hộ tịch", "Justice and Civil Status"),
        (f"Văn hóa - Xã hội ({facts.culture_officer}): thông tin cơ sở, truyền thanh, trang thông tin điện tử",
         f"Culture and Social Affairs ({facts.culture_officer}): grassroots information, the radio, the website"),
        ("Chỉ huy trưởng Ban Chỉ huy Quân sự; Trưởng Công an", "Commander of the Military Command; Chief of Police"),
    ]).paragraph(
        f"Mỗi thôn, làng có trưởng thôn và một cụm loa truyền thanh do {kind} quản lý.",
        f"Each village has a village head and a loudspeaker cluster run by the {kind_en}.",
    )
    page.functions, page.structure = functions.html(), structure.html()
    page.leaders = facts.leaders()
    page.focal_points = facts.focal_points()
    return {page.title: ORGANISATION_TITLE_EN, **functions.wording(), **structure.wording(), **facts.contact_wording()}


def _news(facts):
    """Four news items: three built from the commune's facts, one written for it alone."""
    unit, f, kind = facts.unit, facts.facts, facts.kind
    rng = facts.rng_for("news")
    year_offset = int(unit.code) % 3
    items = []

    villages = facts.some_villages(2, "radio")
    radio = f["radio"]
    if radio == "ip-2023":
        title = f"{unit.name} đưa vào sử dụng {len(facts.villages)} cụm loa truyền thanh thông minh"
        body = [
            f"Theo Kế hoạch năm 2023 của Ủy ban nhân dân huyện về thông tin cơ sở, {kind} {facts.short} là một "
            "trong hai địa phương đầu tiên của huyện được nâng cấp đài truyền thanh ứng dụng công nghệ thông tin - "
            "viễn thông, từ nguồn Chương trình mục tiêu quốc gia giảm nghèo bền vững.",
            f"Mỗi thôn, làng có một cụm loa; bản tin được biên tập một lần và phát đồng thời, cán bộ có thể phát "
            f"thông báo khẩn từ điện thoại. Bà con {villages[0]} và {villages[1]} cho biết tiếng loa rõ, đúng giờ.",
        ]
        when, category = date(2023, 10, 5 + year_offset), "thoi-su"
    elif radio == "ip-planned":
        title = f"Khảo sát vị trí lắp cụm loa truyền thanh ứng dụng CNTT-VT tại {unit.name}"
        body = [
            f"Thực hiện Kế hoạch số 10/KH-UBND ngày 11/01/2023 của Ủy ban nhân dân huyện, đoàn công tác của Trung "
            f"tâm Văn hóa - Thể thao - Du lịch và Truyền thông huyện khảo sát {len(facts.villages)} điểm đặt cụm loa.",
            f"Các vị trí ưu tiên là nhà văn hóa {villages[0]}, {villages[1]} và các khu dân cư tập trung, bảo đảm "
            "loa không hướng sát vào nhà dân và phủ sóng được khu sản xuất.",
        ]
        when, category = date(2024, 3, 12 + year_offset), "thoi-su"
    else:
        title = f"Kiểm tra, khắc phục sự cố cụm loa truyền thanh tại {villages[0]}"
        body = [
            f"Cán bộ văn hóa - xã hội {kind} phối hợp Trung tâm Văn hóa - Thể thao - Du lịch và Truyền thông huyện "
            f"thay bộ thu và dây dẫn cho cụm loa ở {villages[0]}, chỉnh lại hướng loa ở {villages[1]}.",
            f"Hệ thống truyền thanh {kind} hiện {RADIO_NOTES['fm']}, theo mục tiêu đến năm 2025 toàn bộ đài FM "
            "của huyện được chuyển đổi.",
        ]
        when, category = date(2023 + year_offset, 7, 10 + rng.randint(0, 15)), "thong-bao"
    items.append(("truyen-thanh-co-so", NewsPage(
        title=title, date=when, category=category, intro=body[0][:300], body=paragraphs(body),
        promote_to_portal=radio == "ip-2023",
    ), ["truyền thanh", "thông tin cơ sở"]))

    if f["e_board"]:
        others = [name for name in ("thị trấn Đắk Hà", "xã Hà Mòn", "xã Đắk Mar") if name != f"{kind} {facts.short}"]
        title = f"Lắp đặt bảng tin điện tử công cộng tại trụ sở Ủy ban nhân dân {kind} {facts.short}"
        body = [
            f"Theo kế hoạch thông tin cơ sở năm 2023 của huyện, {kind} {facts.short} là một trong ba địa phương "
            f"được lắp bảng tin điện tử công cộng, cùng với {' và '.join(others)}.",
            "Màn hình hiển thị tin thiết yếu bằng chữ và hình ảnh, kết nối Hệ thống thông tin nguồn của tỉnh; khi có "
            "thiên tai, dịch bệnh, thông báo khẩn được ưu tiên hiển thị ngay.",
        ]
        slug, tags, when, category = "bang-tin-dien-tu", ["bảng tin điện tử", "chuyển đổi số"], date(2023, 11, 20 + year_offset), "su-kien"
    else:
        title = f"{unit.name} mở trang Zalo chính thức để thông tin đến người dân"
        body = [
            f"Ủy ban nhân dân {kind} lập trang tin trên mạng xã hội Zalo để gửi tin ngắn, hình ảnh, lịch tiêm chủng, "
            f"lịch tiếp dân đến bà con {len(facts.villages)} thôn, làng.",
            f"Trưởng {facts.some_villages(1, 'zalo')[0]} hướng dẫn bà con quan tâm trang; các câu hỏi nhận được sẽ được "
            "trả lời công khai trong mục Hỏi đáp trực tuyến trên trang thông tin điện tử.",
        ]
        slug, tags, when, category = "trang-zalo", ["mạng xã hội", "chuyển đổi số"], date(2024, 2, 26 + year_offset), "thong-bao"
    items.append((slug, NewsPage(title=title, date=when, category=category, intro=body[0][:300],
                                 body=paragraphs(body)), tags))

    crop, hectares = f["crop"]
    growers = facts.some_villages(2, "crop")
    body = [
        f"Toàn {kind} có khoảng {hectares} ha {crop}. Vụ này bà con {growers[0]} và {growers[1]} áp dụng tưới "
        "tiết kiệm và bón phân hữu cơ theo hướng dẫn của cán bộ khuyến nông.",
        f"Đài truyền thanh {kind} phát chuyên mục khuyến nông vào tối thứ Bảy hằng tuần; nội dung được đăng lại "
        "trên trang thông tin điện tử để bà con tiện tra cứu.",
    ]
    items.append(("mua-vu", NewsPage(
        title=f"{facts.short}: bà con chăm sóc {crop} theo hướng bền vững", date=date(2024, 9 + year_offset, 5 + year_offset * 3),
        category="nong-nghiep", intro=body[0][:300], body=paragraphs(body), promote_to_portal=year_offset == 0,
    ), [crop, "khuyến nông"]))

    story = f["story"]
    items.append(("noi-bat", NewsPage(
        title=story["title"], date=story["date"], category=story["category"], intro=story["intro"],
        body=paragraphs(story["body"]), promote_to_portal=story["promote"],
    ), story["tags"]))

    pages = []
    for slug, page, tags in items:
        page.tags.add(*tags)
        pages.append((slug, page))
    return pages


def _commune_documents(facts):
    unit, f, kind, short = facts.unit, facts.facts, facts.kind, facts.short
    rng = facts.rng_for("documents")
    body_plan = f"Ủy ban nhân dân {kind} {short}"
    plan_number = 10 + rng.randint(5, 60)
    plan_day = date(2024, 1, 20) + timedelta(days=rng.randint(0, 40))
    documents = [LegalDocumentPage(
        title=f"Kế hoạch thông tin cơ sở năm 2024 của {kind} {short}", slug="kh-thong-tin-co-so-2024",
        document_type="ke-hoach", number=f"{plan_number}/KH-UBND", issuing_body=body_plan, signer=facts.chair,
        issue_date=plan_day, effective_date=plan_day, status="het-hieu-luc", expiry_date=date(2024, 12, 31),
        field="thong-tin-truyen-thong",
        summary=f"Triển khai hoạt động thông tin cơ sở năm 2024 trên địa bàn {kind} {short}, thực hiện Kế hoạch số "
                "10/KH-UBND ngày 11/01/2023 của Ủy ban nhân dân huyện Đắk Hà.",
        body=paragraphs([
            f"Duy trì phát thanh hai buổi mỗi ngày đến {len(facts.villages)} thôn, làng, tổ dân phố; hệ thống truyền "
            f"thanh {RADIO_NOTES[f['radio']]}.",
            f"Cập nhật tin, bài lên trang thông tin điện tử của {kind} ít nhất hai lần mỗi tuần; giao công chức Văn hóa "
            f"- Xã hội {facts.culture_officer} làm đầu mối.",
            "Báo cáo kết quả về Ủy ban nhân dân huyện (qua Phòng Văn hóa - Thông tin) trước ngày 15/11/2024.",
        ]),
    )]
    decision_day = date(2025, 3, 3) + timedelta(days=rng.randint(0, 60))
    documents.append(LegalDocumentPage(
        title=f"Quyết định kiện toàn Ban biên tập trang thông tin điện tử {kind} {short}",
        slug="qd-ban-bien-tap", document_type="quyet-dinh", number=f"{rng.randint(80, 240)}/QĐ-UBND",
        issuing_body=body_plan, signer=facts.chair, issue_date=decision_day, effective_date=decision_day,
        status="con-hieu-luc", field="thong-tin-truyen-thong",
        summary=f"Kiện toàn Ban biên tập trang thông tin điện tử {kind} {short} do đồng chí {facts.vice_chair}, Phó "
                "Chủ tịch Ủy ban nhân dân, làm Trưởng ban.",
        body=paragraphs([
            f"Ban biên tập gồm Trưởng ban {facts.vice_chair}; thành viên thường trực {facts.culture_officer}; thành "
            f"viên {facts.office_officer} phụ trách mục hỏi đáp trực tuyến.",
            "Ban biên tập chịu trách nhiệm nội dung đăng tải, bảo đảm thông tin chính xác, kịp thời và không công "
            "khai thông tin cá nhân của người dân.",
        ]),
    ))
    doc_type, subject, doc_field = f["extra_document"]
    symbol = {"ke-hoach": "KH", "quyet-dinh": "QĐ", "thong-bao": "TB", "bao-cao": "BC"}[doc_type]
    extra_day = date(2023 + int(unit.code) % 2, 3, 1) + timedelta(days=rng.randint(0, 200))
    type_label = dict(LegalDocumentPage._meta.get_field("document_type").choices)[doc_type]
    documents.append(LegalDocumentPage(
        title=f"{type_label} về {subject}", slug=f"{doc_type}-{extra_day.year}",
        document_type=doc_type, number=f"{rng.randint(20, 190)}/{symbol}-UBND", issuing_body=body_plan,
        signer=facts.vice_chair if doc_type == "thong-bao" else facts.chair,
        issue_date=extra_day, effective_date=extra_day, status="con-hieu-luc", field=doc_field,
        summary=f"{type_label} của Ủy ban nhân dân {kind} {short} về {subject}.",
        body=paragraphs([
            f"Áp dụng trên địa bàn {len(facts.villages)} thôn, làng, tổ dân phố của {kind}, trong đó trọng tâm là "
            f"{' và '.join(facts.some_villages(2, 'extra-document'))}.",
            f"Giao công chức chuyên môn và trưởng các thôn tổ chức thực hiện; đài truyền thanh {kind} phổ biến nội "
            "dung đến người dân.",
        ]),
    ))
    return documents


def _users(demo, homes):
    """The demo's people: a superuser for operators, a district administrator, two communes' staff."""
    def ensure(username, *, groups=(), superuser=False, first_name="", last_name=""):
        user = User.objects.filter(username=username).first()
        created = user is None
        if created:
            # The demo password is set only here, on creation: a password changed later is kept.
            make = User.objects.create_superuser if superuser else User.objects.create_user
            user = make(username, f"{username}@{data.EMAIL_DOMAIN}", data.DEMO_PASSWORD,
                        first_name=first_name, last_name=last_name)
        user.groups.add(*groups)
        return user, created

    users = {}
    roles = [("admin", "quản trị hệ thống (superuser)", {"superuser": True})]
    roles.append(("quantri", "quản trị cổng thông tin huyện",
                  {"groups": [Group.objects.get(name=PORTAL_ADMINS_GROUP)], "last_name": "Quản trị huyện"}))
    for code, slug in (("23524", "dakla"), ("23521", "hamon")):
        site = commune_site_create(unit=homes[code].unit, portal=demo.portal)
        name = homes[code].unit.name
        roles.append((f"bientap_{slug}", f"biên tập viên {name}", {"groups": [site.editors]}))
        roles.append((f"duyet_{slug}", f"người duyệt {name}", {"groups": [site.approvers]}))
    for username, role, options in roles:
        user, created = ensure(username, **options)
        users[username] = user
        demo.users.append((username, role, created))
    return users
