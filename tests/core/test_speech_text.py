"""The Vietnamese text normaliser read before text-to-speech (core/speech.py), judged on a corpus of
input/expected pairs written by hand from the reading rules, not from the code's output."""

import unicodedata

import pytest

from core.speech import number_words, speakable

NUMBERS = [
    (0, "không"),
    (1, "một"),
    (4, "bốn"),
    (5, "năm"),
    (10, "mười"),
    (11, "mười một"),
    (14, "mười bốn"),
    (15, "mười lăm"),
    (19, "mười chín"),
    (20, "hai mươi"),
    (21, "hai mươi mốt"),
    (24, "hai mươi tư"),
    (25, "hai mươi lăm"),
    (31, "ba mươi mốt"),
    (44, "bốn mươi tư"),
    (45, "bốn mươi lăm"),
    (50, "năm mươi"),
    (55, "năm mươi lăm"),
    (71, "bảy mươi mốt"),
    (99, "chín mươi chín"),
    (100, "một trăm"),
    (101, "một trăm linh một"),
    (104, "một trăm linh bốn"),
    (105, "một trăm linh năm"),
    (110, "một trăm mười"),
    (111, "một trăm mười một"),
    (115, "một trăm mười lăm"),
    (121, "một trăm hai mươi mốt"),
    (124, "một trăm hai mươi tư"),
    (205, "hai trăm linh năm"),
    (500, "năm trăm"),
    (999, "chín trăm chín mươi chín"),
    (1000, "một nghìn"),
    (1001, "một nghìn không trăm linh một"),
    (1005, "một nghìn không trăm linh năm"),
    (1010, "một nghìn không trăm mười"),
    (1015, "một nghìn không trăm mười lăm"),
    (1100, "một nghìn một trăm"),
    (1381, "một nghìn ba trăm tám mươi mốt"),
    (2005, "hai nghìn không trăm linh năm"),
    (2021, "hai nghìn không trăm hai mươi mốt"),
    (2023, "hai nghìn không trăm hai mươi ba"),
    (2024, "hai nghìn không trăm hai mươi tư"),
    (2025, "hai nghìn không trăm hai mươi lăm"),
    (10000, "mười nghìn"),
    (10500, "mười nghìn năm trăm"),
    (15000, "mười lăm nghìn"),
    (21000, "hai mươi mốt nghìn"),
    (100000, "một trăm nghìn"),
    (105000, "một trăm linh năm nghìn"),
    (250000, "hai trăm năm mươi nghìn"),
    (1000000, "một triệu"),
    (1000005, "một triệu không trăm linh năm"),
    (1500000, "một triệu năm trăm nghìn"),
    (2005000, "hai triệu không trăm linh năm nghìn"),
    (12150, "mười hai nghìn một trăm năm mươi"),
    (25000000, "hai mươi lăm triệu"),
    (1000000000, "một tỷ"),
    (1000000001, "một tỷ không trăm linh một"),
    (2500000000, "hai tỷ năm trăm triệu"),
    (3321, "ba nghìn ba trăm hai mươi mốt"),
    (1000000000000, "một nghìn tỷ"),
    (-5, "âm năm"),
]

TEXTS = [
    # Dates (day/month/year, with and without "ngày", days 1–10 with "mùng", April as "tư")
    ("15/12/2023", "ngày mười lăm tháng mười hai năm hai nghìn không trăm hai mươi ba"),
    ("ngày 15/12/2023", "ngày mười lăm tháng mười hai năm hai nghìn không trăm hai mươi ba"),
    ("Ngày 01/7/2025", "Ngày mùng một tháng bảy năm hai nghìn không trăm hai mươi lăm"),
    ("hạn cuối 30/4/2024", "hạn cuối ngày ba mươi tháng tư năm hai nghìn không trăm hai mươi tư"),
    ("ngày 5/9", "ngày mùng năm tháng chín"),
    ("từ 10/10", "từ ngày mùng mười tháng mười"),
    ("21-11-2026", "ngày hai mươi mốt tháng mười một năm hai nghìn không trăm hai mươi sáu"),
    ("24.01.2025", "ngày hai mươi tư tháng một năm hai nghìn không trăm hai mươi lăm"),
    ("tháng 12/2023", "tháng mười hai năm hai nghìn không trăm hai mươi ba"),
    ("tháng 4/2025", "tháng tư năm hai nghìn không trăm hai mươi lăm"),
    ("năm 2025", "năm hai nghìn không trăm hai mươi lăm"),
    ("ngày 31/12", "ngày ba mươi mốt tháng mười hai"),
    # Times
    ("7h30", "bảy giờ ba mươi phút"),
    ("lúc 7h30 sáng", "lúc bảy giờ ba mươi phút sáng"),
    ("17h", "mười bảy giờ"),
    ("lúc 14h00", "lúc mười bốn giờ"),
    ("07:30", "bảy giờ ba mươi phút"),
    ("19:05", "mười chín giờ năm phút"),
    ("8g15", "tám giờ mười lăm phút"),
    ("21h45 phút", "hai mươi mốt giờ bốn mươi lăm phút"),
    ("5h sáng", "năm giờ sáng"),
    ("24h", "hai mươi tư giờ"),
    # Percentages and decimals
    ("12,5%", "mười hai phẩy năm phần trăm"),
    ("tăng 5%", "tăng năm phần trăm"),
    ("đạt 100%", "đạt một trăm phần trăm"),
    ("95,24 %", "chín mươi lăm phẩy hai mươi tư phần trăm"),
    ("0,5", "không phẩy năm"),
    ("0,05", "không phẩy không năm"),
    ("3,25", "ba phẩy hai mươi lăm"),
    ("15-20%", "mười lăm đến hai mươi phần trăm"),
    # Money (dots group thousands)
    ("500.000đ", "năm trăm nghìn đồng"),
    ("500.000 đồng", "năm trăm nghìn đồng"),
    ("1.500.000 đồng", "một triệu năm trăm nghìn đồng"),
    ("2.000.000 VNĐ", "hai triệu đồng"),
    ("150.000 VND", "một trăm năm mươi nghìn đồng"),
    ("2 tỷ đồng", "hai tỷ đồng"),
    ("$100", "một trăm đô la Mỹ"),
    ("50 USD", "năm mươi đô la Mỹ"),
    ("1.000", "một nghìn"),
    ("12.150 người", "mười hai nghìn một trăm năm mươi người"),
    # Phone numbers, digit by digit; hotlines after a word announcing them
    ("0912345678", "không chín một hai ba bốn năm sáu bảy tám"),
    ("0912 345 678", "không chín một hai ba bốn năm sáu bảy tám"),
    ("0260.3861.234", "không hai sáu không ba tám sáu một hai ba bốn"),
    ("0905-123-456", "không chín không năm một hai ba bốn năm sáu"),
    ("+84 912 345 678", "cộng tám bốn chín một hai ba bốn năm sáu bảy tám"),
    ("gọi 114", "gọi một một bốn"),
    ("Gọi 113", "Gọi một một ba"),
    ("đường dây nóng 1022", "đường dây nóng một không hai hai"),
    ("tổng đài 115", "tổng đài một một năm"),
    # Ranges
    ("5-7 ngày", "năm đến bảy ngày"),
    ("giai đoạn 2021-2025", "giai đoạn hai nghìn không trăm hai mươi mốt đến hai nghìn không trăm hai mươi lăm"),
    ("từ 20 - 25°C", "từ hai mươi đến hai mươi lăm độ xê"),
    ("100–150 mm", "một trăm đến một trăm năm mươi mi li mét"),
    ("lượng mưa 200-300mm", "lượng mưa hai trăm đến ba trăm mi li mét"),
    ("cấp 6-7", "cấp sáu đến bảy"),
    # Document numbers
    ("124/QĐ-UBND", "một trăm hai mươi tư, quyết định, ủy ban nhân dân"),
    ("Quyết định số 1381/QĐ-BTTTT", "Quyết định số một nghìn ba trăm tám mươi mốt, quyết định, bộ thông tin và truyền thông"),
    ("12/2023/TT-BTTTT", "mười hai, năm hai nghìn không trăm hai mươi ba, thông tư, bộ thông tin và truyền thông"),
    ("30/2020/NĐ-CP", "ba mươi, năm hai nghìn không trăm hai mươi, nghị định, chính phủ"),
    ("Nghị quyết 05/NQ-HĐND", "Nghị quyết năm, nghị quyết, hội đồng nhân dân"),
    ("Kế hoạch 45/KH-UBND", "Kế hoạch bốn mươi lăm, kế hoạch, ủy ban nhân dân"),
    ("Công văn 210/UBND-VP", "Công văn hai trăm mười, ủy ban nhân dân, văn phòng"),
    ("Thông báo 15/TB-UBND", "Thông báo mười lăm, thông báo, ủy ban nhân dân"),
    ("Quyết định 749/QĐ-TTg", "Quyết định bảy trăm bốn mươi chín, quyết định, thủ tướng chính phủ"),
    ("39/2020/TT-BTTTT", "ba mươi chín, năm hai nghìn không trăm hai mươi, thông tư, bộ thông tin và truyền thông"),
    ("Báo cáo 88/BC-UBND", "Báo cáo tám mươi tám, báo cáo, ủy ban nhân dân"),
    ("Chỉ thị 16/CT-TTg", "Chỉ thị mười sáu, chỉ thị, thủ tướng chính phủ"),
    ("Tờ trình 12/TTr-UBND", "Tờ trình mười hai, tờ trình, ủy ban nhân dân"),
    ("văn bản 7/HD-BCĐ", "văn bản bảy, hướng dẫn, ban chỉ đạo"),
    ("số 9/QĐ-XYZ", "số chín, quyết định, ích i dài dét"),
    # Units
    ("3 km", "ba ki lô mét"),
    ("3km", "ba ki lô mét"),
    ("60 km/h", "sáu mươi ki lô mét trên giờ"),
    ("5 ha", "năm héc ta"),
    ("20 g muối", "hai mươi gam muối"),
    ("2 kg", "hai ki lô gam"),
    ("10 m", "mười mét"),
    ("150 cm", "một trăm năm mươi xăng ti mét"),
    ("250 m2", "hai trăm năm mươi mét vuông"),
    ("250 m²", "hai trăm năm mươi mét vuông"),
    ("30 m³", "ba mươi mét khối"),
    ("5 l nước", "năm lít nước"),
    ("500 ml", "năm trăm mi li lít"),
    ("35°C", "ba mươi lăm độ xê"),
    ("-2°C", "âm hai độ xê"),
    ("100 kWh", "một trăm ki lô oát giờ"),
    ("gió 15 m/s", "gió mười lăm mét trên giây"),
    ("1,5 km", "một phẩy năm ki lô mét"),
    ("5 mét", "năm mét"),
    ("3 lần", "ba lần"),
    # Ordinals and Roman numerals
    ("thứ 2", "thứ hai"),
    ("Thứ 4", "Thứ tư"),
    ("thứ 7", "thứ bảy"),
    ("lần thứ 1", "lần thứ nhất"),
    ("lần thứ 4", "lần thứ tư"),
    ("Quý IV", "Quý bốn"),
    ("quý I", "quý một"),
    ("khóa XV", "khóa mười lăm"),
    ("nhiệm kỳ 2021-2026", "nhiệm kỳ hai nghìn không trăm hai mươi mốt đến hai nghìn không trăm hai mươi sáu"),
    ("Đại hội XIII", "Đại hội mười ba"),
    ("thế kỷ XXI", "thế kỷ hai mươi mốt"),
    # Abbreviations
    ("UBND xã", "ủy ban nhân dân xã"),
    ("HĐND huyện", "hội đồng nhân dân huyện"),
    ("TP Kon Tum", "thành phố Kon Tum"),
    ("TP. Kon Tum", "thành phố Kon Tum"),
    ("TP.HCM", "thành phố Hồ Chí Minh"),
    ("đài truyền thanh CNTT-VT", "đài truyền thanh công nghệ thông tin - viễn thông"),
    ("thẻ BHYT", "thẻ bảo hiểm y tế"),
    ("BHXH huyện", "bảo hiểm xã hội huyện"),
    ("PCCC rừng", "phòng cháy chữa cháy rừng"),
    ("Ban Chỉ huy PCTT&TKCN", "Ban Chỉ huy phòng chống thiên tai và tìm kiếm cứu nạn"),
    ("trường THCS", "trường trung học cơ sở"),
    ("trường THPT", "trường trung học phổ thông"),
    ("MTTQ Việt Nam", "mặt trận tổ quốc Việt Nam"),
    ("Phòng GD&ĐT", "Phòng giáo dục và đào tạo"),
    ("Sở NN&PTNT", "Sở nông nghiệp và phát triển nông thôn"),
    ("Sở LĐ-TB&XH", "Sở lao động - thương binh và xã hội"),
    ("mang CCCD", "mang căn cước công dân"),
    ("HTX nông nghiệp", "hợp tác xã nông nghiệp"),
    ("dịch Covid-19", "dịch cô vít mười chín"),
    ("COVID-19", "cô vít mười chín"),
    ("tình hình KT-XH", "tình hình kinh tế - xã hội"),
    ("bảo đảm ANTT", "bảo đảm an ninh trật tự"),
    ("nhiệm vụ QP-AN", "nhiệm vụ quốc phòng - an ninh"),
    ("TTHC công", "thủ tục hành chính công"),
    ("UBNDX", "UBNDX"),
    # Plain numbers in sentences
    ("Thôn 1", "Thôn một"),
    ("Điều 5", "Điều năm"),
    ("có 15 hộ", "có mười lăm hộ"),
    ("21 hộ gia đình", "hai mươi mốt hộ gia đình"),
    ("105 người", "một trăm linh năm người"),
    ("3.321 xã", "ba nghìn ba trăm hai mươi mốt xã"),
    ("34 tỉnh", "ba mươi tư tỉnh"),
    ("khoảng 2.500 người", "khoảng hai nghìn năm trăm người"),
    ("số 0", "số không"),
    # Whole sentences
    (
        "Ngày 15/12/2023, UBND xã họp lúc 7h30.",
        "Ngày mười lăm tháng mười hai năm hai nghìn không trăm hai mươi ba, ủy ban nhân dân xã họp lúc "
        "bảy giờ ba mươi phút.",
    ),
    (
        "Từ 17h ngày 20/10, mưa lớn 100-150 mm, nguy cơ sạt lở tại Thôn 3.",
        "Từ mười bảy giờ ngày hai mươi tháng mười, mưa lớn một trăm đến một trăm năm mươi mi li mét, "
        "nguy cơ sạt lở tại Thôn ba.",
    ),
    (
        "Liên hệ 0260 3861 234 hoặc gọi 114 khi có cháy.",
        "Liên hệ không hai sáu không ba tám sáu một hai ba bốn hoặc gọi một một bốn khi có cháy.",
    ),
    (
        "Theo Quyết định 124/QĐ-UBND, mức hỗ trợ là 1.500.000 đồng/hộ.",
        "Theo Quyết định một trăm hai mươi tư, quyết định, ủy ban nhân dân, mức hỗ trợ là "
        "một triệu năm trăm nghìn đồng/hộ.",
    ),
    (
        "Tỷ lệ tham gia BHYT đạt 95,5%.",
        "Tỷ lệ tham gia bảo hiểm y tế đạt chín mươi lăm phẩy năm phần trăm.",
    ),
    ("Tiêm chủng từ thứ 2 đến thứ 6.", "Tiêm chủng từ thứ hai đến thứ sáu."),
    ("Họp HĐND xã khóa XII, kỳ họp thứ 4.", "Họp hội đồng nhân dân xã khóa mười hai, kỳ họp thứ tư."),
]


@pytest.mark.parametrize(("number", "expected"), NUMBERS, ids=[str(n) for n, _ in NUMBERS])
def test_it_reads_numbers_the_standard_way(number, expected):
    assert number_words(number) == expected


@pytest.mark.parametrize(("text", "expected"), TEXTS, ids=[t for t, _ in TEXTS])
def test_it_reads_a_bulletin_text_as_a_speaker_would(text, expected):
    assert speakable(text) == expected


def test_the_corpus_holds_at_least_150_pairs():
    assert len(NUMBERS) + len(TEXTS) >= 150


def test_editors_abbreviations_extend_and_override_the_built_in_list():
    assert speakable("Thôn KG tổ chức họp", abbreviations={"KG": "Kon Gung"}) == "Thôn Kon Gung tổ chức họp"
    assert speakable("TP Kon Tum", abbreviations={"TP": "thị trấn"}) == "thị trấn Kon Tum"


def test_it_keeps_text_in_nfc():
    decomposed = unicodedata.normalize("NFD", "Thôn 1 có 15 hộ")
    assert decomposed != "Thôn 1 có 15 hộ"
    assert speakable(decomposed) == "Thôn một có mười lăm hộ"
    assert speakable("Đắk La") == "Đắk La"
