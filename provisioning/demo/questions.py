"""Citizens' questions and feedback for the demo, taken through the real Q&A services.

Every question is submitted with `question_submit` and moved with `question_update` /
`question_transition`, so its redaction, answer deadline (working days, holidays), state, event log
and search index are what a real one would have. Two things are written directly, here only:

- the tracking code, replaced right after submission by one derived from the commune and the
  question's key: it is the stable marker that makes a second run add nothing (the sender's original
  title cannot serve: the retention job erases it);
- the dates: the services stamp transitions with "now", so the answered/published/closed times and
  the log entries are moved back afterwards to the (working) days the demo story says they happened.

All the people are invented; their emails use the reserved `.example` domain and their phone
numbers the `0900 000 xxx` range. Dates run from January 2024 to June 2025, while the district
still existed; so every question still waiting is overdue, which is what the admin's flag shows.
"""

import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db import transaction
from django.test.utils import override_settings
from wagtail.search import index

from core.folding import fold
from questions.models import TRACKING_ALPHABET, Holiday, Question, QuestionEvent, QuestionField, QuestionKind
from questions.services import question_submit, question_transition, question_update
from questions.workdays import add_working_days

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
FIRST_DAY, LAST_DAY = date(2024, 1, 8), date(2025, 6, 13)
CITIZEN_EMAIL_DOMAIN = "nguoidan.example"
LAND_LAW_2024 = date(2024, 8, 1)  # answers citing the 2024 Land Law are dated after it took effect
# Communes whose demo staff can log in: their questions show every state, handled by those accounts.
STAFFED = {"23524": ("bientap_dakla", "duyet_dakla"), "23521": ("bientap_hamon", "duyet_hamon")}

# The Q&A app seeds national days off from 2025; the demo's questions start in January 2024, so their
# deadlines need 2024's days too (the government's 2024 schedule for civil servants). Created only when
# missing, exactly as portal staff would enter them in the admin.
NATIONAL_DAYS_2024 = [
    (date(2024, 1, 1), "Tết Dương lịch", False),
    *((date(2024, 2, day), "Tết Nguyên đán Giáp Thìn", False) for day in (8, 9, 12, 13, 14)),
    (date(2024, 4, 18), "Giỗ Tổ Hùng Vương (10/3 âm lịch)", False),
    (date(2024, 4, 29), "Nghỉ hoán đổi (làm bù thứ Bảy 04/5/2024)", False),
    (date(2024, 4, 30), "Ngày Chiến thắng", False),
    (date(2024, 5, 1), "Ngày Quốc tế Lao động", False),
    (date(2024, 5, 4), "Làm bù cho ngày nghỉ 29/4/2024", True),
    (date(2024, 9, 2), "Quốc khánh", False),
    (date(2024, 9, 3), "Quốc khánh", False),
]

Q, F = QuestionKind.QUESTION, QuestionKind.FEEDBACK
LAND_OFFICE = "Địa chính - Xây dựng - Nông nghiệp và Môi trường"
SOCIAL_OFFICE = "Văn hóa - Xã hội"


@dataclass(frozen=True)
class Template:
    """One question as a citizen of any commune could write it; `{place}` etc. come from the commune."""

    key: str
    kind: str
    field: str
    title: str
    text: str
    answer: str = ""
    department: str = ""
    reason: str = ""  # why it is rejected
    earliest: date = FIRST_DAY


PUBLISHED = [
    Template(
        "so-do-lan-dau", Q, QuestionField.LAND,
        "Cấp giấy chứng nhận quyền sử dụng đất lần đầu cho đất sản xuất ở {place}",
        "Gia đình tôi sử dụng ổn định khoảng một héc-ta đất trồng {crop} ở {place} từ năm 2004, không tranh "
        "chấp với ai nhưng đến nay chưa có giấy chứng nhận. Xin hỏi tôi cần chuẩn bị giấy tờ gì, nộp ở đâu và "
        "bao lâu thì có kết quả?",
        "Chào ông/bà. Theo Luật Đất đai năm 2024, hộ gia đình sử dụng đất ổn định, không có tranh chấp và phù "
        "hợp quy hoạch được xem xét cấp giấy chứng nhận quyền sử dụng đất lần đầu. Ông/bà nộp đơn đăng ký theo "
        "mẫu cùng giấy tờ về nguồn gốc đất nếu có (giấy mua bán viết tay, biên lai nộp thuế...) tại Bộ phận một "
        "cửa của Ủy ban nhân dân {kind} hoặc trực tuyến trên Cổng dịch vụ công quốc gia.\n\n"
        "Ủy ban nhân dân {kind} sẽ kiểm tra hiện trạng, lấy ý kiến khu dân cư và niêm yết công khai kết quả tại "
        "trụ sở và nhà văn hóa {place} trong 15 ngày, sau đó chuyển hồ sơ đến Văn phòng đăng ký đất đai. Công "
        "chức địa chính hướng dẫn trực tiếp tại trụ sở {kind} trong giờ hành chính.",
        LAND_OFFICE, earliest=LAND_LAW_2024,
    ),
    Template(
        "bhyt-tre-moi-sinh", Q, QuestionField.SOCIAL_INSURANCE,
        "Thẻ bảo hiểm y tế cho cháu mới sinh",
        "Gia đình tôi vừa sinh cháu ở Trung tâm y tế huyện và đã đăng ký khai sinh cho cháu tại {kind} được hai "
        "tuần. Xin hỏi cháu có được cấp thẻ bảo hiểm y tế miễn phí không, gia đình có phải làm thêm hồ sơ gì không?",
        "Chào ông/bà. Trẻ em dưới 6 tuổi được ngân sách nhà nước đóng bảo hiểm y tế, gia đình không phải nộp "
        "tiền. Khi đăng ký khai sinh theo thủ tục liên thông (đăng ký khai sinh, đăng ký thường trú, cấp thẻ bảo "
        "hiểm y tế cho trẻ dưới 6 tuổi), thẻ được cấp cùng kết quả. Nếu lúc đăng ký gia đình chưa chọn liên "
        "thông, ông/bà mang giấy khai sinh của cháu đến công chức Văn hóa - Xã hội tại Bộ phận một cửa để được "
        "lập danh sách đề nghị cấp thẻ.\n\nTrong thời gian chờ thẻ, cháu vẫn được khám, chữa bệnh bảo hiểm y tế "
        "khi gia đình xuất trình giấy khai sinh của cháu.",
        SOCIAL_OFFICE,
    ),
    Template(
        "lich-tiem-chung", F, QuestionField.HEALTH,
        "Đề nghị thông báo sớm lịch tiêm chủng ở {place}",
        "Tháng này trạm y tế đổi ngày tiêm chủng cho trẻ nhưng loa ở {place} không thông báo, nhiều mẹ bế con đi "
        "mấy cây số đến nơi thì buổi tiêm đã xong. Đề nghị {kind} thông báo lịch sớm hơn và đọc trên loa nhiều lần.",
        "Cảm ơn ông/bà đã phản ánh. Ủy ban nhân dân {kind} đã làm việc với Trạm y tế: lịch tháng này thay đổi vì "
        "vắc xin về chậm, nhưng thông báo chưa kịp đến các thôn, làng. Từ tháng sau, lịch tiêm chủng được thông "
        "báo trước ít nhất 3 ngày trên đài truyền thanh {kind}, trên trang thông tin điện tử này và qua trưởng "
        "thôn; cộng tác viên y tế ở {place} sẽ nhắc trực tiếp các gia đình có trẻ đến lịch tiêm. Trẻ chưa được "
        "tiêm trong đợt vừa rồi được tiêm bù vào buổi tiêm chủng gần nhất.",
        "Trạm y tế và công chức Văn hóa - Xã hội",
    ),
    Template(
        "an-trua-mau-giao", Q, QuestionField.EDUCATION,
        "Hỗ trợ tiền ăn trưa cho trẻ mẫu giáo thuộc hộ cận nghèo",
        "Con tôi học lớp mẫu giáo ở điểm trường {place}, gia đình tôi thuộc hộ cận nghèo. Xin hỏi cháu có được "
        "hỗ trợ tiền ăn trưa không và làm hồ sơ ở đâu?",
        "Chào ông/bà. Theo Nghị định số 105/2020/NĐ-CP của Chính phủ, trẻ em mẫu giáo có cha, mẹ hoặc người chăm "
        "sóc thuộc hộ nghèo, hộ cận nghèo được hỗ trợ tiền ăn trưa 160.000 đồng/tháng, tối đa 9 tháng/năm học.\n\n"
        "Phụ huynh nộp đơn đề nghị theo mẫu cho nhà trường ngay đầu năm học, kèm giấy tờ chứng minh hộ cận nghèo; "
        "nhà trường tổng hợp danh sách để cơ quan có thẩm quyền phê duyệt và chi trả. Giấy xác nhận hộ cận nghèo "
        "do Ủy ban nhân dân {kind} cấp tại Bộ phận một cửa, không mất phí.",
        SOCIAL_OFFICE,
    ),
    Template(
        "tap-huan-ky-thuat", Q, QuestionField.AGRICULTURE,
        "Đăng ký tham gia tập huấn kỹ thuật chăm sóc {crop}",
        "Tôi ở {place}, nhà có hơn một héc-ta {crop} nhưng mấy năm nay năng suất giảm. Nghe nói {kind} có mở "
        "lớp tập huấn kỹ thuật, xin hỏi đăng ký thế nào và có mất tiền không?",
        "Chào ông/bà. Hằng năm Ủy ban nhân dân {kind} phối hợp Trung tâm Dịch vụ nông nghiệp huyện mở các lớp "
        "tập huấn đầu bờ miễn phí về chăm sóc, bón phân và phòng trừ sâu bệnh cho {crop}. Ông/bà đăng ký với "
        "trưởng thôn hoặc trực tiếp với công chức nông nghiệp tại trụ sở {kind}; lịch học được thông báo trên "
        "đài truyền thanh và trang thông tin điện tử của {kind} trước ít nhất một tuần. Ông/bà có thể mang mẫu "
        "lá, rễ bị bệnh đến lớp để cán bộ kỹ thuật hướng dẫn cụ thể.",
        LAND_OFFICE,
    ),
    Template(
        "khai-sinh-ong-ba", Q, QuestionField.PROCEDURES,
        "Ông bà đăng ký khai sinh cho cháu khi bố mẹ làm ăn xa",
        "Con trai và con dâu tôi đi làm công nhân ở Bình Dương, cháu nội mới sinh đang ở với tôi tại {place}. "
        "Tôi có đăng ký khai sinh cho cháu được không, cần mang theo giấy tờ gì?",
        "Chào ông/bà. Cha, mẹ có trách nhiệm đăng ký khai sinh cho con trong thời hạn 60 ngày kể từ ngày sinh; "
        "khi cha, mẹ không thể đi thì ông, bà hoặc người thân thích khác được thực hiện. Ông/bà mang theo giấy "
        "chứng sinh của cháu, giấy tờ tùy thân của người đi đăng ký và giấy chứng nhận kết hôn của cha mẹ cháu "
        "(nếu có). Nếu cha mẹ cháu ủy quyền bằng văn bản cho ông, bà thì văn bản ủy quyền không phải chứng thực.\n\n"
        "Cha mẹ cháu cũng có thể tự nộp hồ sơ trực tuyến trên Cổng dịch vụ công quốc gia và nhận kết quả qua bưu "
        "điện. Đăng ký khai sinh đúng hạn không mất lệ phí.",
        "Tư pháp - Hộ tịch",
    ),
    Template(
        "rac-ven-duong", F, QuestionField.ENVIRONMENT,
        "Phản ánh rác thải đổ bừa bãi trên đường từ {place} ra {place2}",
        "Đoạn đường từ {place} ra {place2} mấy tháng nay bị đổ rác, có cả bao bì thuốc bảo vệ thực vật, bốc mùi "
        "hôi, trời mưa trôi xuống suối. Đề nghị {kind} cho dọn và có biện pháp xử lý người đổ rác.",
        "Cảm ơn ông/bà đã phản ánh. Sau khi nhận phản ánh, công chức môi trường cùng trưởng thôn đã kiểm tra và "
        "xác nhận nội dung phản ánh là đúng. Ủy ban nhân dân {kind} đã huy động đoàn viên thanh niên dọn sạch "
        "điểm rác, cắm biển cấm đổ rác và đặt bể chứa bao gói thuốc bảo vệ thực vật sau sử dụng ở đầu {place}.\n\n"
        "Trưởng thôn sẽ nhắc nhở bà con trong buổi họp thôn gần nhất; trường hợp cố tình đổ rác không đúng nơi "
        "quy định sẽ bị lập biên bản xử lý theo quy định về bảo vệ môi trường.",
        LAND_OFFICE,
    ),
    Template(
        "tro-cap-nguoi-cao-tuoi", Q, QuestionField.SOCIAL_POLICY,
        "Trợ cấp hằng tháng cho người cao tuổi không có lương hưu",
        "Mẹ tôi năm nay 76 tuổi, cả đời làm nông, không có lương hưu hay trợ cấp gì, đang sống cùng tôi ở "
        "{place}. Xin hỏi mẹ tôi có được hưởng trợ cấp hằng tháng không?",
        "Chào ông/bà. Theo Nghị định số 20/2021/NĐ-CP, hiện nay người từ đủ 80 tuổi trở lên không có lương hưu, "
        "trợ cấp bảo hiểm xã hội hằng tháng được hưởng trợ cấp xã hội hằng tháng; người từ đủ 75 tuổi thuộc hộ "
        "nghèo, hộ cận nghèo sống ở thôn đặc biệt khó khăn vùng đồng bào dân tộc thiểu số và miền núi cũng thuộc "
        "diện được hưởng.\n\nTừ ngày 01/7/2025, Luật Bảo hiểm xã hội năm 2024 có hiệu lực: công dân từ đủ 75 tuổi "
        "không hưởng lương hưu hoặc trợ cấp bảo hiểm xã hội hằng tháng được hưởng trợ cấp hưu trí xã hội và được "
        "cấp thẻ bảo hiểm y tế. Khi đó gia đình làm tờ khai và nộp tại Ủy ban nhân dân {kind}; công chức Văn hóa - "
        "Xã hội sẽ đến nhà hỗ trợ kê khai nếu cụ không tự đi được.",
        SOCIAL_OFFICE, earliest=date(2024, 7, 1),
    ),
    Template(
        "mot-cua-thu-bay", F, QuestionField.PROCEDURES,
        "Kiến nghị nhận hồ sơ một cửa vào sáng thứ Bảy trong mùa thu hoạch",
        "Mùa thu hoạch {crop} bà con đi làm từ sáng sớm đến tối, ngày thường rất khó lên {kind} làm giấy tờ. "
        "Kiến nghị Ủy ban nhân dân {kind} bố trí nhận hồ sơ vào sáng thứ Bảy trong mấy tháng thu hoạch.",
        "Ủy ban nhân dân {kind} ghi nhận kiến nghị của ông/bà. Trong các tháng thu hoạch, Bộ phận một cửa tiếp "
        "nhận và trả kết quả hồ sơ vào sáng thứ Bảy hằng tuần (từ 7 giờ 30 đến 11 giờ), trừ ngày lễ; lịch cụ "
        "thể được thông báo trên đài truyền thanh và trang thông tin điện tử của {kind}.\n\nBà con cũng có thể "
        "nộp hồ sơ trực tuyến bất kỳ lúc nào trên Cổng dịch vụ công quốc gia; đoàn viên thanh niên ở {place} "
        "sẵn sàng hướng dẫn tại nhà văn hóa thôn.",
        "Văn phòng - Thống kê",
    ),
    Template(
        "loa-truyen-thanh", F, QuestionField.OTHER,
        "Cụm loa truyền thanh ở {place} không phát",
        "Khoảng hai tuần nay cụm loa gần nhà văn hóa {place} không phát, bà con không nghe được thông báo của "
        "{kind}. Đề nghị cho người kiểm tra, sửa chữa.",
        "Cảm ơn ông/bà đã phản ánh. {radio_fix} Đề nghị bà con tiếp tục báo cho trưởng thôn hoặc phản ánh tại "
        "đây khi loa gặp sự cố.",
        SOCIAL_OFFICE,
    ),
]

RADIO_FIXES = {
    "ip-2023": "Cụm loa ở {place} thuộc đài truyền thanh ứng dụng công nghệ thông tin - viễn thông; hệ thống "
               "báo mất kết nối do bộ thu bị ẩm sau mưa lớn. Công chức Văn hóa - Xã hội đã cùng đơn vị bảo hành "
               "thay bộ thu, loa đã phát lại vào 6 giờ và 17 giờ hằng ngày.",
    "ip-planned": "Bộ thu FM của cụm loa ở {place} bị hỏng do sét; {kind} đã thay thiết bị và loa đã phát lại "
                  "bình thường. Đài truyền thanh {kind} đang được đầu tư chuyển sang công nghệ thông tin - viễn "
                  "thông theo lộ trình đến năm 2025, khi đó sự cố sẽ được phát hiện ngay từ trung tâm.",
    "fm": "Bộ thu FM của cụm loa ở {place} bị hỏng do sét; {kind} đã thay thiết bị và loa đã phát lại bình "
          "thường. Theo kế hoạch của huyện, hệ thống FM sẽ được chuyển sang đài truyền thanh ứng dụng công nghệ "
          "thông tin - viễn thông.",
}

PRIVATE = [
    Template(
        "ra-soat-can-ngheo", Q, QuestionField.SOCIAL_POLICY,
        "Hỏi về kết quả rà soát hộ cận nghèo của gia đình tôi",
        "Năm nay người lao động chính của gia đình tôi bị tai nạn phải nghỉ làm, nhà có 5 người ở {place}. Đợt "
        "rà soát vừa rồi gia đình tôi không có tên trong danh sách hộ cận nghèo. Tôi muốn hỏi lý do và có được "
        "xét lại không. Xin trả lời riêng cho tôi.",
        "Chào ông/bà. Ủy ban nhân dân {kind} đã kiểm tra phiếu rà soát của gia đình: tại thời điểm rà soát, thu "
        "nhập của gia đình được tính theo thu nhập trước khi người lao động chính bị tai nạn nên chưa thuộc diện "
        "cận nghèo. Vì hoàn cảnh đã thay đổi, ông/bà làm giấy đề nghị rà soát thường xuyên, nộp cho trưởng thôn "
        "hoặc tại Bộ phận một cửa; Ban giảm nghèo {kind} sẽ đến rà soát lại theo quy định. Công chức Văn hóa - "
        "Xã hội sẽ gọi điện hẹn lịch với gia đình.",
        SOCIAL_OFFICE,
    ),
    Template(
        "tach-thua-cho-con", Q, QuestionField.LAND,
        "Hỏi về hồ sơ tách thửa đất để cho con",
        "Tôi muốn tách một phần thửa đất đang ở tại {place} cho con trai làm nhà. Thửa đất đã có giấy chứng "
        "nhận đứng tên vợ chồng tôi. Xin hướng dẫn riêng cho tôi vì liên quan đến chuyện gia đình.",
        "Chào ông/bà. Ủy ban nhân dân {kind} đã đối chiếu hồ sơ địa chính: thửa đất của gia đình có đất ở và đất "
        "trồng cây lâu năm. Phần dự kiến tách phải bảo đảm diện tích tối thiểu và có lối đi theo quy định của Ủy "
        "ban nhân dân tỉnh. Ông/bà liên hệ công chức địa chính để được đo đạc sơ bộ; sau đó vợ chồng ông/bà lập "
        "hợp đồng tặng cho có công chứng hoặc chứng thực và nộp hồ sơ tách thửa tại Bộ phận một cửa.",
        LAND_OFFICE,
    ),
]

REJECTED = [
    Template(
        "dai-ly-no-tien", Q, QuestionField.OTHER,
        "Đại lý chưa trả đủ tiền mua {crop}",
        "Tháng trước tôi bán {crop} cho một đại lý ở {place2}, đến nay đại lý vẫn còn nợ một phần tiền, hẹn mãi "
        "không trả. Nhờ {kind} buộc đại lý trả tiền cho tôi.",
        reason="Đây là tranh chấp hợp đồng mua bán giữa các cá nhân; Ủy ban nhân dân {kind} không có thẩm quyền "
               "buộc bên mua trả tiền. Ông/bà có thể đề nghị Tổ hòa giải ở cơ sở của thôn hòa giải, hoặc khởi kiện "
               "tại Tòa án nhân dân huyện Đắk Hà; công chức Tư pháp - Hộ tịch hướng dẫn thủ tục tại trụ sở {kind}.",
    ),
    Template(
        "rao-lan-dat", F, QuestionField.LAND,
        "Nhà bên cạnh rào lấn sang đất của gia đình tôi ở {place}",
        "Nhà bên cạnh vừa dựng hàng rào lấn sang đất vườn của gia đình tôi gần một mét, nói mãi không chịu dỡ. "
        "Đề nghị {kind} xuống giải quyết.",
        reason="Tranh chấp ranh giới đất đai phải được hòa giải tại Ủy ban nhân dân cấp xã nơi có đất theo đơn yêu "
               "cầu, mục hỏi đáp không thay cho đơn. Đề nghị ông/bà nộp đơn yêu cầu hòa giải tại Bộ phận một cửa; "
               "Ủy ban nhân dân {kind} sẽ tổ chức hòa giải theo quy định của Luật Đất đai.",
    ),
]

WAITING = [
    Template(
        "chuyen-truong", Q, QuestionField.EDUCATION,
        "Thủ tục chuyển trường cho con giữa năm học",
        "Gia đình tôi mới chuyển từ thành phố Kon Tum về {place}, con tôi đang học lớp 4. Xin hỏi thủ tục chuyển "
        "trường giữa năm học như thế nào, có cần xác nhận của {kind} không?",
    ),
    Template(
        "muong-noi-dong", F, QuestionField.AGRICULTURE,
        "Mương dẫn nước tưới ở {place} bị sạt lở",
        "Sau đợt mưa lớn, đoạn mương dẫn nước tưới ở {place} bị sạt khoảng 20 mét, nước không về được ruộng, "
        "vườn của hơn chục hộ. Đề nghị {kind} kiểm tra và sửa chữa trước mùa khô.",
        department=LAND_OFFICE,
    ),
    Template(
        "bhyt-ho-gia-dinh", Q, QuestionField.SOCIAL_INSURANCE,
        "Gia hạn thẻ bảo hiểm y tế hộ gia đình",
        "Thẻ bảo hiểm y tế hộ gia đình của tôi sắp hết hạn. Tôi có thể đóng tiền gia hạn ở đâu tại {kind}, mua "
        "cho cả nhà có được giảm không?",
        department=SOCIAL_OFFICE,
    ),
]


@dataclass
class Story:
    """One demo question: what the citizen sends and what happens to it."""

    template: Template
    outcome: str  # "published", "private", "rejected", "received", "accepted"
    tracking_code: str
    context: dict
    received_at: datetime
    name: str
    email: str
    phone: str
    typed_phone: bool  # the citizen wrote the phone number into the text: the public text hides it


def tracking_code(unit_code, key):
    rng = random.Random(f"demo-question-{unit_code}-{key}")
    chars = "".join(rng.choice(TRACKING_ALPHABET) for _ in range(10))
    return f"HD-{chars[:5]}-{chars[5:]}"


def spaced_phone(digits):
    """"0900000123" → "0900 000 123", as people write it."""
    return f"{digits[:4]} {digits[4:7]} {digits[7:]}"


def _plan(facts, position):
    """Which templates a commune gets and how each ends; rotated so neighbours differ."""
    code = facts.unit.code
    waiting = WAITING[position % len(WAITING)]
    waiting_outcome = "received" if waiting.key == "chuyen-truong" else "accepted"
    if code in STAFFED:
        published = [PUBLISHED[(3 * position + j) % len(PUBLISHED)] for j in range(2)]
        return [*((t, "published") for t in published), (waiting, waiting_outcome),
                (PRIVATE[position % 2], "private"), (REJECTED[position % 2], "rejected")]
    published = [PUBLISHED[(3 * position + j) % len(PUBLISHED)] for j in range(3)]
    closed = (PRIVATE[position % 2], "private") if position % 2 == 0 else (REJECTED[position % 2], "rejected")
    return [*((t, "published") for t in published), (waiting, waiting_outcome), closed]


def stories(facts, position, people):
    """The commune's demo questions, the same on every run."""
    result = []
    for slot, (template, outcome) in enumerate(_plan(facts, position)):
        rng = facts.rng_for(f"question-{template.key}")
        place, place2 = facts.some_villages(2, f"question-{template.key}")
        context = {"kind": facts.kind, "place": place, "place2": place2, "crop": facts.facts["crop"][0]}
        context["radio_fix"] = RADIO_FIXES[facts.facts["radio"]].format(**context)
        if outcome in ("received", "accepted"):
            first = max(template.earliest, date(2025, 3, 1))
        else:
            first = template.earliest
        day = first + timedelta(days=rng.randint(0, (LAST_DAY - first).days))
        received_at = datetime.combine(day, time(rng.randint(6, 21), rng.randint(0, 59)), TZ)
        name = people.pick(rng, facts.facts["minority_led"] and rng.random() < 0.6)
        phone = f"0900000{100 + 10 * position + slot}"
        email = f"{fold(name).replace(' ', '.')}@{CITIZEN_EMAIL_DOMAIN}" if slot % 3 != 2 else ""
        result.append(Story(
            template=template, outcome=outcome, tracking_code=tracking_code(facts.unit.code, template.key),
            context=context, received_at=received_at, name=name, email=email, phone=phone,
            typed_phone=outcome == "published" and slot == 0,
        ))
    return result


def load_questions(commune_facts, homes, users, people):
    """Create the demo questions still missing; returns how many were created."""
    planned = []
    for position, code in enumerate(sorted(commune_facts)):
        planned += [(homes[code], code, story) for story in stories(commune_facts[code], position, people)]
    existing = set(Question.objects.filter(tracking_code__in=[s.tracking_code for *_, s in planned])
                   .values_list("tracking_code", flat=True))
    created = 0
    # The demo's citizens and staff get no mail: the console backend would print ~100 of them into
    # the output of `make run`, and a configured SMTP server would be asked to send them.
    with override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"), transaction.atomic():
        for day, name, is_working_day in NATIONAL_DAYS_2024:
            Holiday.objects.get_or_create(date=day, commune=None,
                                          defaults={"name": name, "is_working_day": is_working_day})
        for home, code, story in planned:
            if story.tracking_code in existing:
                continue
            editor, approver = (users[name] for name in STAFFED.get(code, ("quantri", "quantri")))
            _play(home, story, editor, approver)
            created += 1
    return created


def _office_time(home, after, working_days, hour, minute=0):
    """A moment in office hours `working_days` working days after a date (the real holiday calendar)."""
    day = add_working_days(after, working_days, home)
    return datetime.combine(day, time(hour, minute), TZ)


def _dated(question, when, action):
    """Run a service call, then move the log entries it wrote back to `when` (demo only: see the module)."""
    last = QuestionEvent.objects.filter(question=question).order_by("-pk").values_list("pk", flat=True).first()
    result = action()
    QuestionEvent.objects.filter(question=question, pk__gt=last or 0).update(at=when)
    return result


def _play(home, story, editor, approver):
    t, ctx = story.template, story.context
    text = t.text.format(**ctx)
    if story.typed_phone:
        text += f" Cần trao đổi thêm xin gọi cho tôi theo số {spaced_phone(story.phone)}."
    question = question_submit(
        commune=home, name=story.name, title=t.title.format(**ctx), text=text, kind=t.kind, field=t.field,
        email=story.email, phone=story.phone, address=f"{ctx['place'][0].upper()}{ctx['place'][1:]}, "
        f"{ctx['kind']} {home.unit.short_name}", private=story.outcome == "private", ip="203.0.113.25",
        now=story.received_at,
    )
    Question.objects.filter(pk=question.pk).update(tracking_code=story.tracking_code)
    question.tracking_code = story.tracking_code
    received = story.received_at.date()
    stamps = {}

    if story.outcome == "rejected":
        when = _office_time(home, received, 2, 10)
        _dated(question, when, lambda: question_transition(user=approver, question=question, name="reject",
                                                           reason=t.reason.format(**ctx)))
        stamps["closed_at"] = when
    elif story.outcome != "received":
        assigned = _office_time(home, received, 1, 8, 30)
        assignee = editor if editor != approver else None  # a commune's own officer, where the demo has one
        department = t.department or "Văn phòng - Thống kê"
        _dated(question, assigned, lambda: question_update(user=editor, question=question, changes={
            "department": department, "assignee": assignee}))
        _dated(question, assigned, lambda: question_transition(user=editor, question=question, name="accept"))
    if story.outcome in ("published", "private"):
        answered = _office_time(home, received, 3 + story.received_at.minute % 6, 15)
        published = _office_time(home, answered.date(), 1, 9, 30)
        answer = t.answer.format(**ctx)
        _dated(question, answered, lambda: question_update(user=editor, question=question, changes={"answer": answer}))
        _dated(question, answered, lambda: question_transition(user=editor, question=question, name="answer"))
        _dated(question, published, lambda: question_transition(user=approver, question=question, name="publish"))
        stamps.update(answered_at=answered, closed_at=published)
        if story.outcome == "published":
            stamps["published_at"] = published
    if stamps:
        Question.objects.filter(pk=question.pk).update(**stamps)
    if story.outcome == "published":
        # The index got the publication time of today; give it the story's.
        index.insert_or_update_object(Question.objects.get(pk=question.pk))
