"""A fixed corpus for search tests: two communes of Đắk Hà district with news, legal documents, pages and
published Q&A, written from the facts of the 2023–2024 district plans (document numbers, bodies, dates).

`build_corpus(district)` returns {key: object}; the relevance set refers to objects by key.
"""

import datetime

from django.apps import apps
from django.utils import timezone

from communes.models import (
    CommuneProfilePage,
    DocumentIndexPage,
    DocumentStatus,
    DocumentType,
    LegalDocumentPage,
    NewsIndexPage,
    NewsPage,
    StandardPage,
    Village,
)

D = datetime.date


def _paragraph(text):
    return [{"type": "paragraph", "value": f"<p>{text}</p>"}]


def _news(index, slug, title, date, intro, body=""):
    return index.add_child(instance=NewsPage(title=title, slug=slug, date=date, intro=intro, body=_paragraph(body)))


def _document(index, slug, doc_type, number, body, issued, summary, status=DocumentStatus.IN_FORCE, field="hanh-chinh"):
    return index.add_child(instance=LegalDocumentPage(
        title=f"{dict(DocumentType.choices)[doc_type]} số {number}", slug=slug, document_type=doc_type, number=number,
        issuing_body=body, issue_date=issued, summary=summary, status=status, field=field,
    ))


def _question(commune, key, title, text, answer, published):
    Question = apps.get_model("questions", "Question")
    return Question.objects.create(
        commune=commune, tracking_code=f"HD{key.upper()}"[:16], title=title, public_text=text, answer=answer,
        state="published", private=False, published_at=timezone.make_aware(datetime.datetime.combine(published, datetime.time(9))),
    )


def _sections(home):
    return (
        home.get_children().type(NewsIndexPage).get().specific,
        home.get_children().type(DocumentIndexPage).get().specific,
        home.get_children().type(CommuneProfilePage).get().specific,
    )


def build_corpus(district, with_questions=True):
    a, b = district.a.home, district.b.home
    news_a, docs_a, profile_a = _sections(a)
    news_b, docs_b, profile_b = _sections(b)
    c = {"home_a": a, "home_b": b, "profile_a": profile_a, "profile_b": profile_b}
    c["organisation_a"] = a.get_children().get(slug="co-cau-to-chuc").specific

    profile_a.intro = "Xã Đắk La nằm ở phía nam huyện Đăk Hà, dọc Quốc lộ 14, cách trung tâm huyện khoảng 10 km."
    profile_a.ethnic_groups = "Kinh, Xơ Đăng, Ba Na"
    profile_a.population = 11800
    profile_a.villages = [Village(name=name) for name in ("1A", "1B", "Kon Gung", "Kon Stiu", "Đăk Lấp")]
    profile_a.save_revision().publish()
    profile_b.intro = "Xã Hà Mòn ở phía tây huyện Đăk Hà, có làng Đăk Rơ Wang bên bờ sông Đăk Pxi."
    profile_b.ethnic_groups = "Kinh, Giẻ Triêng, Ba Na"
    profile_b.villages = [Village(name=name) for name in ("Đăk Rơ Wang", "Thanh Trung", "Bình Minh")]
    profile_b.save_revision().publish()

    c["news_vaccination_a"] = _news(
        news_a, "tiem-phong-gia-suc-dot-1", "Đắk La tiêm phòng vắc xin cho đàn gia súc đợt 1 năm 2024", D(2024, 4, 8),
        "Thú y xã phối hợp các thôn tiêm phòng lở mồm long móng và tụ huyết trùng cho trâu, bò, heo.",
        "Đợt tiêm phòng kéo dài đến hết tháng 4; hộ chăn nuôi đưa gia súc đến điểm tiêm tại nhà văn hóa thôn.",
    )
    c["news_speakers"] = _news(
        news_a, "cum-loa-kon-gung", "Lắp đặt cụm loa truyền thanh ứng dụng công nghệ thông tin tại thôn Kon Gung",
        D(2023, 9, 20), "Đài truyền thanh xã đưa vào sử dụng cụm loa thông minh đầu tiên, phát bản tin bằng tiếng Xơ Đăng.",
        "Cụm loa nhận bản tin từ Hệ thống thông tin nguồn của tỉnh, phục vụ hơn 300 hộ dân.",
    )
    c["news_conference"] = _news(
        news_a, "hoi-nghi-thong-tin-co-so", "Hội nghị triển khai Chiến lược phát triển lĩnh vực thông tin cơ sở năm 2023",
        D(2023, 5, 12), "UBND xã quán triệt Kế hoạch của UBND huyện Đăk Hà về thông tin cơ sở đến năm 2025.",
    )
    c["news_road"] = _news(
        news_a, "duong-giao-thong-thon-1a", "Ra quân bê tông hóa đường giao thông nông thôn tại thôn 1A", D(2024, 3, 2),
        "Nhân dân thôn 1A góp công, góp đất mở rộng 1,2 km đường, hướng tới xã đạt chuẩn nông thôn mới nâng cao.",
    )
    c["news_swine_fever"] = _news(
        news_a, "phong-chong-dich-ta-lon-chau-phi", "Chủ động phòng, chống dịch tả lợn châu Phi", D(2024, 6, 15),
        "Xã yêu cầu các hộ chăn nuôi khai báo khi lợn có dấu hiệu bệnh, không bán chạy lợn ốm.",
    )
    c["news_festival"] = _news(
        news_a, "le-hoi-mung-lua-moi", "Đồng bào Xơ Đăng làng Kon Stiu mừng lúa mới", D(2023, 11, 25),
        "Lễ hội truyền thống được phục dựng với tiếng cồng chiêng và các món ăn dân tộc.",
    )

    c["doc_1381"] = _document(
        docs_a, "qd-1381-btttt", DocumentType.DECISION, "1381/QĐ-BTTTT", "Bộ Thông tin và Truyền thông", D(2021, 8, 11),
        "Phê duyệt Chiến lược phát triển lĩnh vực thông tin cơ sở giai đoạn 2021 - 2025", field="thong-tin-truyen-thong",
    )
    c["doc_10"] = _document(
        docs_a, "kh-10-ubnd", DocumentType.PLAN, "10/KH-UBND", "UBND huyện Đăk Hà", D(2023, 1, 11),
        "Triển khai thực hiện Chiến lược phát triển lĩnh vực thông tin cơ sở đến năm 2025 trên địa bàn huyện",
        field="thong-tin-truyen-thong",
    )
    c["doc_1235"] = _document(
        docs_a, "cv-1235-ubnd-kgvx", DocumentType.OFFICIAL_LETTER, "1235/UBND-KGVX", "UBND tỉnh Kon Tum", D(2023, 4, 28),
        "Về việc triển khai Kế hoạch hành động năm 2023 của Chiến lược phát triển lĩnh vực thông tin cơ sở",
    )
    c["doc_454"] = _document(
        docs_a, "kh-454-stttt", DocumentType.PLAN, "454/KH-STTTT", "Sở Thông tin và Truyền thông tỉnh Kon Tum",
        D(2023, 3, 23), "Triển khai Chiến lược phát triển lĩnh vực thông tin cơ sở năm 2023 trên địa bàn tỉnh",
        field="thong-tin-truyen-thong",
    )
    c["doc_4222"] = _document(
        docs_a, "kh-4222-ubnd", DocumentType.PLAN, "4222/KH-UBND", "UBND tỉnh Kon Tum", D(2020, 11, 10),
        "Nâng cao hiệu quả hoạt động thông tin cơ sở trên địa bàn tỉnh", status=DocumentStatus.EXPIRED,
    )
    c["doc_45"] = _document(
        docs_a, "qd-45-ubnd", DocumentType.DECISION, "45/QĐ-UBND", "UBND xã Đắk La", D(2024, 3, 20),
        "Phê duyệt Kế hoạch tiêm phòng gia súc, gia cầm năm 2024", field="nong-nghiep",
    )
    c["doc_2455"] = _document(
        docs_a, "cv-2455-btttt-ttcs", DocumentType.OFFICIAL_LETTER, "2455/BTTTT-TTCS", "Bộ Thông tin và Truyền thông",
        D(2022, 7, 27), "Hướng dẫn chức năng, tính năng kỹ thuật của đài truyền thanh ứng dụng công nghệ thông tin - viễn thông",
    )

    c["page_birth"] = a.add_child(instance=StandardPage(
        title="Thủ tục đăng ký khai sinh", slug="dang-ky-khai-sinh",
        intro="Hồ sơ, thời hạn và lệ phí đăng ký khai sinh tại bộ phận một cửa UBND xã.",
        body=_paragraph("Người đi đăng ký khai sinh nộp tờ khai theo mẫu và giấy chứng sinh."),
    ))

    # Commune B: lookalikes that must never appear in Đắk La's results.
    c["news_vaccination_b"] = _news(
        news_b, "tiem-phong-trau-bo", "Hà Mòn tiêm phòng cho đàn trâu bò năm 2024", D(2024, 4, 10),
        "Xã Hà Mòn hoàn thành tiêm phòng lở mồm long móng cho hơn 2.000 con trâu, bò.",
    )
    c["news_power_b"] = _news(
        news_b, "dien-ve-lang-dak-ro-wang", "Đường điện chiếu sáng về làng Đăk Rơ Wang", D(2024, 1, 5),
        "Làng Đăk Rơ Wang có điện chiếu sáng đường thôn nhờ nhân dân góp công.",
    )
    c["doc_1381_b"] = _document(
        docs_b, "qd-1381-btttt", DocumentType.DECISION, "1381/QĐ-BTTTT", "Bộ Thông tin và Truyền thông", D(2021, 8, 11),
        "Phê duyệt Chiến lược phát triển lĩnh vực thông tin cơ sở giai đoạn 2021 - 2025", field="thong-tin-truyen-thong",
    )
    c["doc_321_b"] = _document(
        docs_b, "tt-321-vhtt", DocumentType.OTHER, "321/TTr-VHTT", "UBND xã Hà Mòn", D(2023, 6, 2),
        "Tờ trình đầu tư đài truyền thanh xã Hà Mòn",
    )

    if with_questions:
        c["question_land"] = _question(
            a, "a1", "Thủ tục chuyển đổi mục đích sử dụng đất vườn sang đất ở",
            "Gia đình tôi ở thôn 1B muốn chuyển đất vườn sang đất ở thì cần hồ sơ gì?",
            "Hồ sơ gồm đơn đề nghị và giấy chứng nhận quyền sử dụng đất, nộp tại bộ phận một cửa.", D(2024, 5, 6),
        )
        c["question_light"] = _question(
            a, "a2", "Khi nào thôn Kon Stiu có đèn chiếu sáng?",
            "Đường liên thôn Kon Stiu chưa có đèn, đi lại ban đêm khó khăn.",
            "UBND xã đã đưa tuyến đường vào kế hoạch lắp đèn năm 2025.", D(2024, 7, 1),
        )
        c["question_b"] = _question(
            b, "b1", "Hỗ trợ giống cà phê cho hộ nghèo làng Đăk Rơ Wang",
            "Hộ nghèo ở làng Đăk Rơ Wang có được hỗ trợ giống cà phê tái canh không?",
            "Có, theo chương trình mục tiêu quốc gia giảm nghèo bền vững.", D(2024, 2, 2),
        )
    return c
