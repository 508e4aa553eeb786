"""The demo's facts: Đắk Hà district (Kon Tum) and its 11 communes, as data.

Sources and honesty:
- Unit names and codes come from the official list (`provisioning/data/dak-ha-district-units-2024.csv`).
- District-level documents (numbers, dates, issuing bodies, signer) and the programmes they describe
  (IP loudspeaker radio for Đắk La and Đăk Long in 2023, then Đăk Ui and Đăk Ngọk; public e-boards for
  the town, Hà Mòn and Đắk Mar; commune websites as components of the district portal; reports due
  15/12/2023 and 15/11 yearly) come from the plans in the project's seed documents.
- Areas, populations, villages, people, phone numbers and commune-level documents are ILLUSTRATIVE,
  written for the demo; the portal says so on its home page. E-mail addresses use the reserved
  `.example` domain so nothing is ever sent to a real mailbox.
"""

from datetime import date

DEMO_PASSWORD = "demo-dakha-2024"
EMAIL_DOMAIN = "dakha.example"

PORTAL_INTRO = (
    "Cổng thông tin điện tử của Ủy ban nhân dân huyện Đắk Hà, tỉnh Kon Tum, kết nối trang thông tin điện tử "
    "của 10 xã và thị trấn Đắk Hà. Đây là dữ liệu trình diễn: số liệu, thôn làng, cán bộ và văn bản cấp xã "
    "mang tính minh họa."
)
PORTAL_IDENTITY = {
    "address": "Thị trấn Đắk Hà, huyện Đắk Hà, tỉnh Kon Tum",
    "phone": "0260 3820 100",
    "email": f"ubnd@{EMAIL_DOMAIN}",
    "hotline": "0260 3820 555",
    "logo_alt": "Biểu trưng Ủy ban nhân dân huyện Đắk Hà",
    "licence_number": "05/GP-TTĐT",
    "licence_issuer": "Sở Thông tin và Truyền thông tỉnh Kon Tum",
    "licence_date": date(2023, 6, 15),
    "content_responsible": "Phó Chủ tịch Ủy ban nhân dân huyện Đắk Hà, Trưởng Ban biên tập",
}
# The district's leaders and focal points (illustrative; never drawn by the communes' name generator, whose
# middle names differ): name, (position, its English), (duties, their English), phone, e-mail.
PORTAL_LEADERS = [
    ("Lê Hữu Phước", ("Chủ tịch Ủy ban nhân dân huyện", "Chairperson of the District People's Committee"),
     ("Phụ trách chung", "General direction"), "0260 3820 101", f"chutich@{EMAIL_DOMAIN}"),
    ("Trần Quốc Vinh", ("Phó Chủ tịch Ủy ban nhân dân huyện", "Vice-Chairperson of the District People's Committee"),
     ("Văn hóa - xã hội, chuyển đổi số; Trưởng Ban biên tập cổng thông tin",
      "Culture and social affairs, digital transformation; head of the portal's editorial board"),
     "0260 3820 102", f"phochutich@{EMAIL_DOMAIN}"),
]
PORTAL_FOCAL_POINTS = [
    ("Phạm Ngọc Diệp", ("Chánh Văn phòng Hội đồng nhân dân và Ủy ban nhân dân huyện",
                        "Chief of the Office of the District People's Council and People's Committee"),
     ("Tiếp nhận hỏi đáp, phản ánh, kiến nghị gửi Ủy ban nhân dân huyện",
      "Receives questions, feedback and petitions addressed to the District People's Committee"),
     "0260 3820 110", f"vanphong@{EMAIL_DOMAIN}"),
    ("Đinh Xuân Trường", ("Trưởng phòng Văn hóa - Thông tin", "Head of the Division of Culture and Information"),
     ("Quản trị cổng thông tin điện tử, thông tin cơ sở", "Runs the web portal and grassroots information"),
     "0260 3820 120", f"vhtt@{EMAIL_DOMAIN}"),
]
# The communes whose organisation page the demo also publishes in English (Nghị định 42/2022, Điều 7): the
# two with demo logins. The others are what `manage.py check_english_pages` and the admin's panel list.
ENGLISH_COMMUNES = ("23524", "23521")  # Xã Đắk La, Xã Hà Mòn

# Documents of the district, the province and the ministry, as cited by the seed plans.
DISTRICT_DOCUMENTS = [
    {
        "slug": "qd-1381-qd-btttt",
        "document_type": "quyet-dinh", "number": "1381/QĐ-BTTTT", "issuing_body": "Bộ Thông tin và Truyền thông",
        "issue_date": date(2021, 9, 7), "effective_date": date(2021, 9, 7), "status": "con-hieu-luc",
        "field": "thong-tin-truyen-thong",
        "summary": "Ban hành Chiến lược phát triển lĩnh vực thông tin cơ sở giai đoạn 2021 - 2025.",
        "body": [
            "Chiến lược đặt mục tiêu phát triển mạng lưới thông tin cơ sở hiện đại, đồng bộ từ Trung ương đến "
            "cấp xã, kết nối với Hệ thống thông tin nguồn và phản ánh nhanh nhạy trước thiên tai, dịch bệnh.",
            "Đây là căn cứ để tỉnh Kon Tum và huyện Đắk Hà xây dựng kế hoạch triển khai hằng năm.",
        ],
    },
    {
        "slug": "qd-490-qd-btttt",
        "document_type": "quyet-dinh", "number": "490/QĐ-BTTTT", "issuing_body": "Bộ Thông tin và Truyền thông",
        "issue_date": date(2023, 3, 30), "effective_date": date(2023, 3, 30), "status": "het-hieu-luc",
        "expiry_date": date(2023, 12, 31), "field": "thong-tin-truyen-thong",
        "summary": "Ban hành Kế hoạch hành động năm 2023 triển khai Chiến lược phát triển lĩnh vực thông tin "
                   "cơ sở giai đoạn 2021 - 2025.",
        "body": ["Kế hoạch hành động cho năm 2023; đã hết thời hạn thực hiện."],
    },
    {
        "slug": "kh-4222-kh-ubnd",
        "document_type": "ke-hoach", "number": "4222/KH-UBND", "issuing_body": "Ủy ban nhân dân tỉnh Kon Tum",
        "issue_date": date(2020, 11, 10), "effective_date": date(2020, 11, 10), "status": "con-hieu-luc",
        "field": "thong-tin-truyen-thong",
        "summary": "Kế hoạch của Ủy ban nhân dân tỉnh Kon Tum về phát triển hệ thống thông tin cơ sở, làm căn "
                   "cứ cho lộ trình nâng cấp đài truyền thanh cấp xã ứng dụng công nghệ thông tin - viễn thông.",
        "body": ["Các huyện căn cứ Kế hoạch này để xây dựng lộ trình thiết lập đài truyền thanh ứng dụng "
                 "CNTT-VT tại từng xã."],
    },
    {
        "slug": "kh-4204-kh-ubnd",
        "document_type": "ke-hoach", "number": "4204/KH-UBND", "issuing_body": "Ủy ban nhân dân tỉnh Kon Tum",
        "issue_date": date(2022, 12, 11), "effective_date": date(2022, 12, 11), "status": "con-hieu-luc",
        "field": "thong-tin-truyen-thong",
        "summary": "Triển khai thực hiện Chiến lược phát triển lĩnh vực thông tin cơ sở đến năm 2025 trên địa "
                   "bàn tỉnh Kon Tum.",
        "body": ["Kế hoạch cấp tỉnh mà Ủy ban nhân dân huyện Đắk Hà cụ thể hóa tại Kế hoạch số 10/KH-UBND."],
    },
    {
        "slug": "kh-10-kh-ubnd-2023",
        "document_type": "ke-hoach", "number": "10/KH-UBND", "issuing_body": "Ủy ban nhân dân huyện Đắk Hà",
        "signer": "Phạm Thị Thương",
        "issue_date": date(2023, 1, 11), "effective_date": date(2023, 1, 11), "status": "con-hieu-luc",
        "field": "thong-tin-truyen-thong",
        "summary": "Triển khai thực hiện Chiến lược phát triển lĩnh vực thông tin cơ sở đến năm 2025 trên địa "
                   "bàn huyện Đắk Hà.",
        "body": [
            "Mục tiêu đến năm 2025: 100% xã, thị trấn có hệ thống truyền thanh hoạt động đến thôn, tổ dân phố; "
            "100% Ủy ban nhân dân cấp xã duy trì và nâng cao chất lượng trang thông tin điện tử; thị trấn Đắk Hà "
            "và trên 70% số xã có bảng tin điện tử công cộng.",
            "Tiếp tục đầu tư đài truyền thanh ứng dụng công nghệ thông tin tại các xã Đăk Long, Đắk Ui, Đắk La và "
            "Đăk Ngọk theo lộ trình; chuyển toàn bộ đài truyền thanh không dây FM sang công nghệ thông tin - "
            "viễn thông; thử nghiệm chuyển văn bản thành giọng nói và chuyển ngữ bản tin sang tiếng dân tộc "
            "thiểu số.",
            "Trang thông tin điện tử cấp xã là một thành phần của Cổng thông tin điện tử huyện. Các đơn vị báo "
            "cáo kết quả trước ngày 15 tháng 11 hằng năm.",
        ],
    },
    {
        "slug": "kh-454-kh-stttt",
        "document_type": "ke-hoach", "number": "454/KH-STTTT", "issuing_body": "Sở Thông tin và Truyền thông tỉnh Kon Tum",
        "issue_date": date(2023, 3, 23), "effective_date": date(2023, 3, 23), "status": "het-hieu-luc",
        "expiry_date": date(2023, 12, 31), "field": "thong-tin-truyen-thong",
        "summary": "Triển khai thực hiện Chiến lược phát triển lĩnh vực thông tin cơ sở năm 2023 trên địa bàn tỉnh.",
        "body": ["Kế hoạch năm 2023 của Sở; huyện Đắk Hà căn cứ để ban hành kế hoạch thực hiện của huyện."],
    },
    {
        "slug": "cv-1235-ubnd-kgvx",
        "document_type": "cong-van", "number": "1235/UBND-KGVX", "issuing_body": "Ủy ban nhân dân tỉnh Kon Tum",
        "issue_date": date(2023, 4, 28), "effective_date": date(2023, 4, 28), "status": "con-hieu-luc",
        "field": "thong-tin-truyen-thong",
        "summary": "Về việc triển khai Kế hoạch hành động năm 2023 của Chiến lược phát triển lĩnh vực thông tin "
                   "cơ sở giai đoạn 2021 - 2025 trên địa bàn tỉnh Kon Tum.",
        "body": ["Đề nghị các huyện, thành phố xây dựng kế hoạch năm 2023 và báo cáo kết quả thực hiện."],
    },
]

# What the seed plans say each commune is to get. "ip-2023": IP radio upgraded in the 2023 plan;
# "ip-planned": on the 2021-2025 roadmap; "fm": still to be converted from FM.
COMMUNES = {
    "23500": {
        "area": "24.65", "population": 17850, "households": 4620,
        "ethnic_groups": "Kinh, Xơ Đăng, Ba Na, Tày, Nùng, Mường",
        "position": "trung tâm huyện, Quốc lộ 14 chạy qua",
        "borders": "phía Bắc giáp xã Đắk HRing, phía Nam giáp xã Đắk Mar, phía Đông giáp xã Đắk Ui, "
                   "phía Tây giáp xã Đăk Ngọk",
        "terrain": "địa hình tương đối bằng phẳng, xen kẽ đồi thấp; đất đỏ bazan thích hợp cây công nghiệp",
        "economy": ["thương mại, dịch vụ dọc Quốc lộ 14", "tiểu thủ công nghiệp", "cà phê vối xen cây ăn quả"],
        "crop": ("cà phê", 820), "radio": "fm", "e_board": True, "minority_led": False,
        "villages": [("Tổ dân phố 1", "to_dan_pho"), ("Tổ dân phố 2", "to_dan_pho"), ("Tổ dân phố 3", "to_dan_pho"),
                     ("Tổ dân phố 4", "to_dan_pho"), ("Tổ dân phố 5", "to_dan_pho"), ("Tổ dân phố 6", "to_dan_pho"),
                     ("Tổ dân phố 7", "to_dan_pho"), ("Tổ dân phố 8", "to_dan_pho"), ("Kon Gung", "thon"),
                     ("Kon Klâu", "thon")],
        "story": {
            "title": "Thị trấn Đắk Hà ra mắt mô hình “Tổ dân phố văn minh, không rác thải nhựa”",
            "category": "van-hoa-xa-hoi", "date": date(2025, 4, 19), "tags": ["môi trường", "đô thị văn minh"],
            "promote": True,
            "intro": "Tổ dân phố 4 là nơi đầu tiên thực hiện mô hình, với 212 hộ đăng ký phân loại rác tại nguồn.",
            "body": [
                "Sáng 19/4/2025, Ủy ban nhân dân thị trấn phối hợp Ủy ban Mặt trận Tổ quốc thị trấn ra mắt mô hình "
                "tại nhà văn hóa Tổ dân phố 4. Mỗi hộ được phát hai thùng đựng rác và tờ hướng dẫn phân loại.",
                "Các hộ kinh doanh dọc Quốc lộ 14 cam kết hạn chế túi ni lông; chợ thị trấn bố trí điểm thu gom "
                "chai nhựa để bán gây quỹ khuyến học. Thị trấn dự kiến nhân rộng ra các tổ dân phố còn lại trong năm.",
            ],
        },
        "extra_document": ("thong-bao", "lịch tiếp công dân định kỳ của Chủ tịch Ủy ban nhân dân thị trấn năm 2025",
                           "hanh-chinh"),
    },
    "23503": {
        "area": "141.20", "population": 5930, "households": 1420,
        "ethnic_groups": "Xơ Đăng, Ba Na, Kinh",
        "position": "phía Bắc huyện, vùng núi giáp huyện Đắk Tô và huyện Kon Plông",
        "borders": "phía Nam giáp xã Đắk HRing và xã Đăk Long, phía Bắc và phía Đông là rừng đầu nguồn",
        "terrain": "đồi núi cao, chia cắt mạnh, nhiều suối; diện tích rừng tự nhiên lớn",
        "economy": ["trồng rừng, nhận khoán bảo vệ rừng", "lúa nước ở các thung lũng ven suối", "sắn và cà phê"],
        "crop": ("sắn", 640), "radio": "fm", "e_board": False, "minority_led": True,
        "villages": [("Đăk Kơ Đêm", "thon"), ("Kon Gộp", "thon"), ("Kon Pông", "thon"), ("Đăk Rơ Wang", "thon"),
                     ("Kon Rế", "thon"), ("Kon Kơ Tu", "lang"), ("Đăk Lấp", "thon"), ("Kon Teo", "lang")],
        "story": {
            "title": "Đắk PXi ra quân phòng, chống cháy rừng mùa khô",
            "category": "quoc-phong-an-ninh", "date": date(2024, 1, 15), "tags": ["bảo vệ rừng", "mùa khô"],
            "promote": True,
            "intro": "Mười tổ đội xung kích ở các thôn trực 24/24 giờ trong các tháng cao điểm.",
            "body": [
                "Ủy ban nhân dân xã tổ chức lễ ra quân với sự tham gia của kiểm lâm địa bàn, công an xã và lực lượng "
                "dân quân. Các đường băng cản lửa quanh rừng đầu nguồn thôn Đăk Kơ Đêm và làng Kon Kơ Tu được phát dọn.",
                "Đài truyền thanh xã phát thông báo bằng tiếng Việt và tiếng Xơ Đăng vào buổi sáng và chiều tối, nhắc "
                "bà con không đốt rẫy khi trời hanh khô, gió lớn.",
            ],
        },
        "extra_document": ("ke-hoach", "phòng cháy, chữa cháy rừng mùa khô năm 2024 - 2025 trên địa bàn xã",
                           "nong-nghiep"),
    },
    "23504": {
        "area": "95.40", "population": 4860, "households": 1150,
        "ethnic_groups": "Xơ Đăng, Kinh, Ba Na",
        "position": "phía Đông Bắc huyện",
        "borders": "phía Tây giáp xã Đắk HRing, phía Nam giáp xã Đắk Ui, phía Bắc giáp xã Đắk PXi",
        "terrain": "đồi núi trung bình, độ dốc lớn ở phía Bắc; đất đỏ vàng trên nền đá phiến",
        "economy": ["cà phê và cao su tiểu điền", "chăn nuôi bò theo hướng bán chăn thả", "trồng rừng sản xuất"],
        "crop": ("cao su", 510), "radio": "ip-2023", "e_board": False, "minority_led": True,
        "villages": [("Kon Stiêu", "thon"), ("Kon Pao Kơ", "thon"), ("Đăk Lây", "thon"), ("Đăk Dang", "thon"),
                     ("Kon Túc", "lang"), ("Long Loi", "thon")],
        "story": {
            "title": "Hội thi “Già làng, người có uy tín với pháp luật” ở thôn Kon Stiêu",
            "category": "su-kien", "date": date(2024, 11, 8), "tags": ["phổ biến pháp luật", "người có uy tín"],
            "promote": False,
            "intro": "Sáu đội đến từ sáu thôn thi tìm hiểu Luật Đất đai và hương ước, quy ước của thôn.",
            "body": [
                "Hội thi do Ủy ban nhân dân xã phối hợp công chức tư pháp - hộ tịch tổ chức. Các phần thi được trình "
                "bày song ngữ Việt - Xơ Đăng để người cao tuổi dễ theo dõi.",
                "Đội thôn Đăk Lây đạt giải nhất với tiểu phẩm về hòa giải tranh chấp ranh giới rẫy. Nội dung các phần "
                "thi được ghi âm để phát lại trên đài truyền thanh xã.",
            ],
        },
        "extra_document": ("quyet-dinh", "kiện toàn Tổ hòa giải ở cơ sở các thôn trên địa bàn xã", "hanh-chinh"),
    },
    "23506": {
        "area": "118.30", "population": 9650, "households": 2450,
        "ethnic_groups": "Kinh, Xơ Đăng, Ba Na, Tày, Nùng, Thái",
        "position": "phía Bắc huyện, dọc Quốc lộ 14",
        "borders": "phía Nam giáp thị trấn Đắk Hà, phía Bắc giáp xã Đắk PXi, phía Đông giáp xã Đăk Long",
        "terrain": "đồi thoải xen thung lũng; hồ chứa nước phục vụ tưới cà phê mùa khô",
        "economy": ["cà phê vối tái canh", "sắn công nghiệp", "dịch vụ vận tải và thu mua nông sản"],
        "crop": ("cà phê", 1650), "radio": "fm", "e_board": False, "minority_led": False,
        "villages": [("Thôn 1", "thon"), ("Thôn 2", "thon"), ("Thôn 3", "thon"), ("Thôn 4", "thon"),
                     ("Thôn 5", "thon"), ("Thôn 6", "thon"), ("Thôn 7", "thon"), ("Thôn 8", "thon"),
                     ("Thôn 9", "thon"), ("Thôn 10", "thon"), ("Đăk Lung", "lang")],
        "story": {
            "title": "Tái canh cà phê: Đắk HRing hướng dẫn kỹ thuật ghép chồi cho 60 hộ",
            "category": "nong-nghiep", "date": date(2023, 8, 24), "tags": ["tái canh", "khuyến nông"],
            "promote": False,
            "intro": "Lớp tập huấn đầu bờ tại vườn mẫu của thôn 6 kéo dài hai ngày.",
            "body": [
                "Cán bộ khuyến nông hướng dẫn chọn chồi, cưa đốn và ghép giống cà phê năng suất cao trên gốc cũ, giúp "
                "vườn cho thu hoạch lại sau khoảng 18 tháng thay vì trồng mới.",
                "Xã khuyến khích các hộ ở thôn 3, thôn 7 và làng Đăk Lung đăng ký vào tổ hợp tác để được hỗ trợ "
                "giống theo Chương trình mục tiêu quốc gia xây dựng nông thôn mới.",
            ],
        },
        "extra_document": ("quyet-dinh", "thành lập Tổ hợp tác tái canh cà phê thôn 6", "nong-nghiep"),
    },
    "23509": {
        "area": "125.60", "population": 6720, "households": 1610,
        "ethnic_groups": "Xơ Đăng, Ba Na, Kinh, Mường",
        "position": "phía Đông huyện",
        "borders": "phía Tây giáp thị trấn Đắk Hà, phía Bắc giáp xã Đăk Long, phía Nam giáp xã Đắk Mar",
        "terrain": "thung lũng lòng chảo với cánh đồng lúa nước, bao quanh là đồi núi",
        "economy": ["lúa nước hai vụ", "trồng sâm dây dưới tán rừng", "cà phê"],
        "crop": ("lúa nước", 430), "radio": "ip-planned", "e_board": False, "minority_led": True,
        "villages": [("Kon Gu", "thon"), ("Kon Rế", "lang"), ("Đăk Kang Peng", "thon"), ("Đăk Kang Yốp", "thon"),
                     ("Vi Klâng", "thon"), ("Đăk Wơk", "lang"), ("Kon Hơ Ngo", "thon")],
        "story": {
            "title": "Lễ mừng lúa mới của đồng bào Xơ Đăng ở thôn Đăk Kang Yốp",
            "category": "van-hoa-xa-hoi", "date": date(2024, 12, 6), "tags": ["lễ hội", "văn hóa truyền thống"],
            "promote": True,
            "intro": "Tiếng cồng chiêng vang suốt ngày hội sau vụ thu hoạch trên cánh đồng Đắk Ui.",
            "body": [
                "Già làng làm lễ cúng tạ ơn thần lúa, sau đó bà con cùng nhau giã gạo, nấu cơm lam và múa xoang quanh "
                "nhà rông. Các nghệ nhân trẻ của thôn Vi Klâng trình diễn chiêng ba, chiêng sáu.",
                "Xã phối hợp đoàn thanh niên quay phim, chụp ảnh lễ hội để lưu giữ và giới thiệu trên trang thông tin "
                "điện tử của xã.",
            ],
        },
        "extra_document": ("ke-hoach", "bảo tồn cồng chiêng và lễ hội truyền thống giai đoạn 2024 - 2025", "van-hoa"),
    },
    "23510": {
        "area": "79.30", "population": 10420, "households": 2780,
        "ethnic_groups": "Kinh, Xơ Đăng, Ba Na, Tày, Nùng",
        "position": "phía Tây huyện",
        "borders": "phía Đông giáp thị trấn Đắk Hà, phía Nam giáp xã Hà Mòn, phía Tây giáp huyện Sa Thầy",
        "terrain": "đồi thấp lượn sóng, đất đỏ bazan; suối Đăk Ngọk chảy qua",
        "economy": ["cà phê và mắc ca", "cao su", "trang trại chăn nuôi heo, gà"],
        "crop": ("mắc ca", 260), "radio": "ip-planned", "e_board": False, "minority_led": False,
        "villages": [("Thôn 1", "thon"), ("Thôn 2", "thon"), ("Thôn 3", "thon"), ("Thôn 4", "thon"),
                     ("Thôn 5", "thon"), ("Thôn 6", "thon"), ("Thôn 7", "thon"), ("Thôn 8", "thon"),
                     ("Đăk Lộc", "thon"), ("Kon Bơ Băn", "lang")],
        "story": {
            "title": "Đăk Ngọk hoàn thành mô hình trồng xen mắc ca trong vườn cà phê",
            "category": "kinh-te", "date": date(2025, 5, 12), "tags": ["mắc ca", "kinh tế vườn"],
            "promote": True,
            "intro": "Sau ba năm, các vườn trồng xen ở thôn 2 và thôn 5 đã cho thu bói.",
            "body": [
                "Mô hình gồm 25 hộ tham gia, trồng mắc ca làm cây che bóng trong vườn cà phê. Bà con cho biết vườn "
                "giảm nắng gắt mùa khô và có thêm nguồn thu khi giá cà phê biến động.",
                "Ủy ban nhân dân xã kết nối hợp tác xã trên địa bàn thu mua hạt mắc ca, đồng thời đề nghị huyện hỗ trợ "
                "tập huấn kỹ thuật tỉa cành cho vụ sau.",
            ],
        },
        "extra_document": ("bao-cao", "kết quả thực hiện Chương trình mục tiêu quốc gia xây dựng nông thôn mới năm 2025",
                           "nong-nghiep"),
    },
    "23512": {
        "area": "47.50", "population": 11300, "households": 3050,
        "ethnic_groups": "Kinh, Xơ Đăng, Ba Na, Mường",
        "position": "phía Nam thị trấn Đắk Hà, hai bên Quốc lộ 14",
        "borders": "phía Bắc giáp thị trấn Đắk Hà, phía Nam giáp xã Đắk La, phía Đông giáp xã Đắk Ui",
        "terrain": "địa hình bằng phẳng, đất đỏ bazan màu mỡ",
        "economy": ["cà phê chất lượng cao", "dịch vụ, buôn bán nông sản", "trang trại tổng hợp"],
        "crop": ("cà phê", 1980), "radio": "fm", "e_board": True, "minority_led": False,
        "villages": [("Thôn 1", "thon"), ("Thôn 2", "thon"), ("Thôn 3", "thon"), ("Thôn 4", "thon"),
                     ("Thôn 5", "thon"), ("Thôn 6", "thon"), ("Thôn 7", "thon"), ("Thôn 8", "thon"),
                     ("Thôn 9", "thon"), ("Kon Klốc", "lang"), ("Đăk Mút", "lang")],
        "story": {
            "title": "Đắk Mar tổ chức ngày hội “Toàn dân bảo vệ an ninh Tổ quốc”",
            "category": "quoc-phong-an-ninh", "date": date(2024, 8, 17), "tags": ["an ninh trật tự", "ngày hội"],
            "promote": False,
            "intro": "Làng Kon Klốc được chọn tổ chức điểm ngày hội năm 2024.",
            "body": [
                "Tại ngày hội, công an xã tổng kết phong trào, khen thưởng các tổ tự quản an ninh trật tự và giới thiệu "
                "cách nhận biết lừa đảo qua điện thoại, mạng xã hội.",
                "Thanh niên làng Kon Klốc và thôn 9 thi đấu bóng chuyền, kéo co; phụ nữ các thôn trình diễn ẩm thực "
                "truyền thống.",
            ],
        },
        "extra_document": ("ke-hoach", "bảo đảm an ninh trật tự dịp Tết Nguyên đán Ất Tỵ năm 2025",
                           "quoc-phong-an-ninh"),
    },
    "23515": {
        "area": "72.90", "population": 5980, "households": 1390,
        "ethnic_groups": "Ba Na, Xơ Đăng, Kinh",
        "position": "phía Tây Nam huyện, ven sông Đăk Bla",
        "borders": "phía Bắc giáp xã Ngok Réo, phía Đông giáp xã Hà Mòn, phía Nam giáp thành phố Kon Tum",
        "terrain": "đồng bãi ven sông xen đồi thấp; mùa mưa có nguy cơ ngập ở các thôn ven sông",
        "economy": ["lúa nước ven sông", "sắn và cà phê", "dệt thổ cẩm, đan lát"],
        "crop": ("lúa nước", 380), "radio": "fm", "e_board": False, "minority_led": True,
        "villages": [("Kon Đao Yốp", "lang"), ("Kon Jong", "lang"), ("Đăk Wek", "thon"), ("Kon Teo Đăk Lấp", "thon"),
                     ("Kon Krơ", "lang"), ("Kon Pông Tu", "thon")],
        "story": {
            "title": "Ngok Wang diễn tập ứng phó lũ ở làng Kon Đao Yốp",
            "category": "quoc-phong-an-ninh", "date": date(2024, 9, 26), "tags": ["phòng chống thiên tai", "diễn tập"],
            "promote": True,
            "intro": "Tình huống giả định nước sông Đăk Bla dâng cao, chia cắt hai làng ven sông.",
            "body": [
                "Lực lượng dân quân, công an và thanh niên xung kích thực hành di dời người già, trẻ em bằng thuyền "
                "đến điểm tránh trú tại trường tiểu học. Đài truyền thanh phát bản tin khẩn cấp bằng tiếng Việt và "
                "tiếng Ba Na.",
                "Sau diễn tập, xã rà soát lại danh sách hộ ở vùng trũng của làng Kon Đao Yốp và làng Kon Krơ để chủ "
                "động sơ tán khi có lũ thật.",
            ],
        },
        "extra_document": ("ke-hoach", "phòng, chống thiên tai và tìm kiếm cứu nạn năm 2025", "quoc-phong-an-ninh"),
    },
    "23518": {
        "area": "103.60", "population": 3640, "households": 860,
        "ethnic_groups": "Ba Na, Xơ Đăng",
        "position": "phía Tây huyện, giáp huyện Sa Thầy",
        "borders": "phía Nam giáp xã Ngok Wang, phía Đông giáp xã Đăk Ngọk và xã Hà Mòn",
        "terrain": "đồi núi thấp và rừng sản xuất; nhiều khe suối nhỏ",
        "economy": ["sắn và lúa rẫy", "chăn nuôi bò, dê", "trồng keo"],
        "crop": ("sắn", 520), "radio": "fm", "e_board": False, "minority_led": True,
        "villages": [("Kon Braih", "lang"), ("Kon Jơ Dri", "lang"), ("Kon Kơ Lốc", "lang"), ("Kon Rơ Wang", "lang"),
                     ("Kon Bỉ", "thon")],
        "story": {
            "title": "Ngok Réo cấp bò giống cho 40 hộ nghèo",
            "category": "kinh-te", "date": date(2023, 6, 9), "tags": ["giảm nghèo", "chăn nuôi"],
            "promote": True,
            "intro": "Nguồn vốn từ Chương trình mục tiêu quốc gia giảm nghèo bền vững giai đoạn 2021 - 2025.",
            "body": [
                "Mỗi hộ nhận một con bò cái giống và được hướng dẫn làm chuồng, trồng cỏ. Các hộ ở làng Kon Braih và "
                "làng Kon Jơ Dri cam kết chăm sóc, chia bê cho hộ khó khăn khác sau lứa đầu.",
                "Cán bộ thú y xã sẽ tiêm phòng định kỳ và thông báo lịch trên đài truyền thanh của xã.",
            ],
        },
        "extra_document": ("quyet-dinh", "phê duyệt danh sách hộ nghèo được hỗ trợ bò giống năm 2023", "lao-dong-xa-hoi"),
    },
    "23521": {
        "area": "65.20", "population": 9100, "households": 2330,
        "ethnic_groups": "Kinh, Xơ Đăng, Ba Na, Tày",
        "position": "phía Tây Nam huyện",
        "borders": "phía Đông giáp xã Đắk La, phía Tây giáp xã Ngok Wang, phía Bắc giáp xã Đăk Ngọk",
        "terrain": "đồi thoải, đất đỏ bazan; có hồ chứa nước nhỏ phục vụ tưới tiêu",
        "economy": ["cà phê và cao su", "lúa nước", "dịch vụ nông nghiệp"],
        "crop": ("cà phê", 1240), "radio": "fm", "e_board": True, "minority_led": False,
        "villages": [("Tân Lập", "thon"), ("Thanh Trung", "thon"), ("Kon Gu 1", "thon"), ("Kon Gu 2", "thon"),
                     ("Đăk Kdem", "lang"), ("Kon Mong Tu", "lang"), ("Thống Nhất", "thon"), ("Quyết Thắng", "thon")],
        "story": {
            "title": "Hà Mòn: người dân tra cứu thủ tục hành chính trên bảng tin điện tử",
            "category": "thoi-su", "date": date(2024, 5, 21), "tags": ["chuyển đổi số", "cải cách hành chính"],
            "promote": True,
            "intro": "Màn hình đặt trước bộ phận một cửa hiển thị lịch tiếp dân và danh mục thủ tục.",
            "body": [
                "Từ khi có bảng tin điện tử, bà con thôn Tân Lập, Thanh Trung đến làm thủ tục biết trước giấy tờ cần "
                "mang theo. Đoàn thanh niên xã trực hướng dẫn người cao tuổi quét mã để nộp hồ sơ trực tuyến.",
                "Nội dung trên bảng tin được cập nhật từ Hệ thống thông tin nguồn của tỉnh và từ trang thông tin "
                "điện tử của xã.",
            ],
        },
        "extra_document": ("thong-bao", "danh mục thủ tục hành chính tiếp nhận trực tuyến toàn trình tại xã",
                           "hanh-chinh"),
    },
    "23524": {
        "area": "84.30", "population": 12150, "households": 3020,
        "ethnic_groups": "Kinh, Xơ Đăng, Ba Na, Tày, Nùng, Mường",
        "position": "phía Nam huyện, cửa ngõ giáp thành phố Kon Tum trên Quốc lộ 14",
        "borders": "phía Bắc giáp xã Đắk Mar, phía Tây giáp xã Hà Mòn, phía Nam giáp thành phố Kon Tum",
        "terrain": "đồi thoải, đất đỏ bazan; nhiều hồ, đập nhỏ phục vụ tưới cà phê",
        "economy": ["cà phê, cao su và cây ăn quả", "trang trại chăn nuôi", "dịch vụ ven Quốc lộ 14"],
        "crop": ("cà phê", 2150), "radio": "ip-2023", "e_board": False, "minority_led": False,
        "villages": [("Thôn 1A", "thon"), ("Thôn 1B", "thon"), ("Thôn 2", "thon"), ("Thôn 3", "thon"),
                     ("Thôn 4", "thon"), ("Thôn 5", "thon"), ("Thôn 6", "thon"), ("Thôn 7", "thon"),
                     ("Thôn 8", "thon"), ("Thôn 9", "thon"), ("Kon Kơ Đeh", "lang")],
        "story": {
            "title": "Đắk La đưa hồ sơ “một cửa” lên môi trường số, người dân nhận kết quả qua bưu điện",
            "category": "thoi-su", "date": date(2025, 3, 4), "tags": ["chuyển đổi số", "dịch vụ công"],
            "promote": True,
            "intro": "Tổ công nghệ số cộng đồng ở 11 thôn, làng hướng dẫn bà con nộp hồ sơ tại nhà.",
            "body": [
                "Mỗi tổ gồm trưởng thôn, đoàn viên thanh niên và công an viên. Trong quý I/2025, xã tiếp nhận hơn 300 "
                "hồ sơ trực tuyến, chủ yếu là đăng ký khai sinh, chứng thực và xác nhận tình trạng hôn nhân.",
                "Người dân làng Kon Kơ Đeh và thôn 9 ở xa trung tâm có thể chọn nhận kết quả qua dịch vụ bưu chính "
                "công ích mà không phải đến trụ sở xã.",
            ],
        },
        "extra_document": ("quyet-dinh", "thành lập Tổ công nghệ số cộng đồng tại các thôn, làng", "thong-tin-truyen-thong"),
    },
}
