"""Public-site fixtures: the district of tests/conftest.py, filled with a little realistic content."""

import datetime
from dataclasses import dataclass, field

import pytest
from django.utils import timezone
from wagtail.images.tests.utils import get_test_image_file

from communes.models import (
    CommuneProfilePage,
    DocumentIndexPage,
    DocumentStatus,
    DocumentType,
    LegalDocumentPage,
    NewsIndexPage,
    NewsPage,
    OrganisationPage,
    StandardPage,
    Village,
)
from questions.models import Question, QuestionState, new_tracking_code


@dataclass
class CommuneContent:
    home: object
    news: list = field(default_factory=list)
    documents: list = field(default_factory=list)
    profile: object = None
    organisation: object = None
    standard: object = None


def publish(page):
    page.save_revision().publish()
    page.refresh_from_db()
    return page


def add_news(home, title, *, promoted=False, days_ago=0, image=None, intro="", tags=()):
    index = NewsIndexPage.objects.child_of(home).get()
    news = NewsPage(
        title=title, intro=intro or f"Tóm tắt: {title}.", promote_to_portal=promoted, image=image,
        date=datetime.date(2024, 5, 20) - datetime.timedelta(days=days_ago),
        body=[("paragraph", f"<p>Nội dung bài viết {title}.</p>")],
    )
    index.add_child(instance=news)
    for tag in tags:
        news.tags.add(tag)
    return publish(news)


def add_document(home, number, summary, *, days_ago=0):
    index = DocumentIndexPage.objects.child_of(home).get()
    doc = LegalDocumentPage(
        title=f"Quyết định {number}", document_type=DocumentType.DECISION, number=number,
        issuing_body=home.agency_name, signer="Nguyễn Văn An", summary=summary,
        issue_date=datetime.date(2024, 3, 1) - datetime.timedelta(days=days_ago),
        effective_date=datetime.date(2024, 3, 1), status=DocumentStatus.IN_FORCE,
    )
    index.add_child(instance=doc)
    return publish(doc)


def add_question(home, title, *, days_ago=0):
    """A citizen's question, answered and published (the public Q&A pages and the search show it)."""
    published = timezone.now() - datetime.timedelta(days=days_ago)
    return Question.objects.create(
        commune=home, tracking_code=new_tracking_code(), title=title, public_name="N.V.A.",
        public_text=f"Xin hỏi: {title}?", answer=f"Trả lời: {title}.",
        state=QuestionState.PUBLISHED, received_at=published, published_at=published,
    )


def fill_commune(home, name, *, image=None, news_count=3):
    """News (the first promoted to the portal), documents, profile, organisation and a standard page."""
    content = CommuneContent(home=home)
    for i in range(news_count):
        content.news.append(add_news(
            home, f"{name}: tin số {i + 1} về chuyển đổi số", promoted=(i == 0), days_ago=i,
            image=image if i < 2 else None, tags=["chuyển đổi số"],
        ))
    for i in range(2):
        content.documents.append(add_document(
            home, f"{10 + i}/QĐ-UBND", f"Kế hoạch {i + 1} về thông tin cơ sở của {name}", days_ago=i
        ))
    profile = CommuneProfilePage.objects.child_of(home).get()
    profile.area_km2 = "87.45"
    profile.population = 9870
    profile.households = 2411
    profile.ethnic_groups = "Kinh, Xơ Đăng, Ba Na"
    profile.statistics_year = 2023
    profile.location = "<p>Nằm ở phía nam huyện Đắk Hà.</p>"
    profile.villages = [Village(name=f"Thôn {i}", households=120 + i, population=500 + i) for i in range(1, 6)]
    content.profile = publish(profile)
    organisation = OrganisationPage.objects.child_of(home).get()
    organisation.functions = "<p>Quản lý nhà nước trên địa bàn xã.</p>"
    organisation.structure = "<p>Chủ tịch, các Phó Chủ tịch và các công chức chuyên môn.</p>"
    # Every key given, as the admin form gives them: wagtail-localize cannot extract a None.
    organisation.leaders = [("person", {"name": f"Y Bình {name}", "position": "Chủ tịch UBND xã", "responsibility": "",
                                        "phone": "0260 3820 000", "email": "ubnd@example.vn"})]
    organisation.focal_points = [("person", {"name": "Trần Thị Hoa", "position": "Công chức Văn phòng - Thống kê",
                                             "responsibility": "Tiếp nhận hỏi đáp", "phone": "", "email": ""})]
    content.organisation = publish(organisation)
    standard = StandardPage(title="Thủ tục hành chính", slug="thu-tuc-hanh-chinh", intro="Hướng dẫn thủ tục.",
                            body=[("heading", "Một cửa"), ("paragraph", "<p>Tiếp nhận hồ sơ.</p>")],
                            show_in_menus=True)
    home.add_child(instance=standard)
    content.standard = publish(standard)
    return content


@pytest.fixture
def test_image(db):
    from wagtail.images.models import Image

    return Image.objects.create(title="Ảnh hội nghị", file=get_test_image_file(filename="hoi-nghi.png"))


@pytest.fixture
def content(district, test_image):
    """Commune A (Đắk La) and commune B (Hà Mòn) each with their own news, documents and pages."""
    a = fill_commune(district.a.home, "Đắk La", image=test_image)
    b = fill_commune(district.b.home, "Hà Mòn", image=test_image)
    return a, b
