"""Vietnamese text as it should be spoken: what a text-to-speech engine reads for a radio bulletin.

Engines read digits and abbreviations badly ("15/12/2023" as a fraction, "UBND" letter by letter),
so bulletins are normalised before synthesis:

    >>> speakable("Ngày 15/12/2023, UBND xã họp lúc 7h30.")
    'Ngày mười lăm tháng mười hai năm hai nghìn không trăm hai mươi ba, ủy ban nhân dân xã họp lúc bảy giờ ba mươi phút.'

Numbers follow the northern standard reading: "mười" for 10, "mốt" for a final 1 after "mươi" (21:
"hai mươi mốt"), "lăm" for a final 5 after "mười"/"mươi" (15, 25), "tư" for a final 4 after "mươi"
(24: "hai mươi tư"), "linh" for a zero ten (105: "một trăm linh năm"), and "không trăm" for a zero
hundred inside a larger number (2023). Dates, times, percentages, money, phone numbers (digit by
digit), ranges, document numbers (`124/QĐ-UBND`), units and common abbreviations are expanded;
editors add abbreviations of their own (`abbreviations=`).
"""

import re
import unicodedata

DIGITS = ["không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín"]

# Common abbreviations of Vietnamese public administration. Longer keys are tried first.
ABBREVIATIONS = {
    "UBND": "ủy ban nhân dân",
    "HĐND": "hội đồng nhân dân",
    "UBMTTQ": "ủy ban mặt trận tổ quốc",
    "MTTQ": "mặt trận tổ quốc",
    "TP.HCM": "thành phố Hồ Chí Minh",
    "TP. HCM": "thành phố Hồ Chí Minh",
    "TPHCM": "thành phố Hồ Chí Minh",
    "HCM": "Hồ Chí Minh",
    "TP.": "thành phố",
    "TP": "thành phố",
    "TX.": "thị xã",
    "TX": "thị xã",
    "CNTT-VT": "công nghệ thông tin - viễn thông",
    "CNTT": "công nghệ thông tin",
    "BHYT": "bảo hiểm y tế",
    "BHXH": "bảo hiểm xã hội",
    "BHTN": "bảo hiểm thất nghiệp",
    "PCCC": "phòng cháy chữa cháy",
    "PCCR": "phòng cháy chữa cháy rừng",
    "PCTT": "phòng chống thiên tai",
    "TKCN": "tìm kiếm cứu nạn",
    "PCTT&TKCN": "phòng chống thiên tai và tìm kiếm cứu nạn",
    "CSGT": "cảnh sát giao thông",
    "ATGT": "an toàn giao thông",
    "ANTT": "an ninh trật tự",
    "QP-AN": "quốc phòng - an ninh",
    "KT-XH": "kinh tế - xã hội",
    "THCS": "trung học cơ sở",
    "THPT": "trung học phổ thông",
    "CCCD": "căn cước công dân",
    "TTHC": "thủ tục hành chính",
    "HTX": "hợp tác xã",
    "BCH": "ban chấp hành",
    "BCĐ": "ban chỉ đạo",
    "BQL": "ban quản lý",
    "SĐT": "số điện thoại",
    "GD&ĐT": "giáo dục và đào tạo",
    "NN&PTNT": "nông nghiệp và phát triển nông thôn",
    "LĐ-TB&XH": "lao động - thương binh và xã hội",
    "TN&MT": "tài nguyên và môi trường",
    "VH-TT&DL": "văn hóa, thể thao và du lịch",
    "BTTTT": "bộ thông tin và truyền thông",
    "TTTT": "thông tin và truyền thông",
    "BYT": "bộ y tế",
    "BTC": "bộ tài chính",
    "BNV": "bộ nội vụ",
    "TTg": "thủ tướng chính phủ",
    "CP": "chính phủ",
    "VNĐ": "đồng",
    "VND": "đồng",
    "USD": "đô la Mỹ",
    "COVID-19": "cô vít mười chín",
    "Covid-19": "cô vít mười chín",
}

# Kinds of documents in a document number's symbol (124/QĐ-UBND): read only inside a symbol, where
# they cannot be mistaken for other words ("TT" is also "thị trấn").
DOCUMENT_KINDS = {
    "QĐ": "quyết định",
    "NQ": "nghị quyết",
    "NĐ": "nghị định",
    "TT": "thông tư",
    "TTLT": "thông tư liên tịch",
    "CT": "chỉ thị",
    "KH": "kế hoạch",
    "TB": "thông báo",
    "CV": "công văn",
    "BC": "báo cáo",
    "TTr": "tờ trình",
    "HD": "hướng dẫn",
    "QC": "quy chế",
    "QH": "quốc hội",
    "L": "luật",
    "PL": "pháp lệnh",
    "VP": "văn phòng",
    "VPCP": "văn phòng chính phủ",
    "STTTT": "sở thông tin và truyền thông",
}

LETTERS = {
    "A": "a", "Ă": "á", "Â": "ớ", "B": "bê", "C": "xê", "D": "dê", "Đ": "đê", "E": "e", "Ê": "ê", "F": "ép",
    "G": "giê", "H": "hát", "I": "i", "J": "gi", "K": "ca", "L": "e-lờ", "M": "em-mờ", "N": "en-nờ", "O": "o",
    "Ô": "ô", "Ơ": "ơ", "P": "pê", "Q": "quy", "R": "e-rờ", "S": "ét", "T": "tê", "U": "u", "Ư": "ư", "V": "vê",
    "W": "vê kép", "X": "ích", "Y": "i dài", "Z": "dét",
}

# Units after a number. Longer keys first (regex alternation order).
UNITS = {
    "km/h": "ki lô mét trên giờ",
    "m/s": "mét trên giây",
    "km²": "ki lô mét vuông",
    "km2": "ki lô mét vuông",
    "m²": "mét vuông",
    "m2": "mét vuông",
    "m³": "mét khối",
    "m3": "mét khối",
    "km": "ki lô mét",
    "cm": "xăng ti mét",
    "mm": "mi li mét",
    "kg": "ki lô gam",
    "ha": "héc ta",
    "ml": "mi li lít",
    "kWh": "ki lô oát giờ",
    "kW": "ki lô oát",
    "MW": "mê ga oát",
    "°C": "độ xê",
    "ºC": "độ xê",
    "%": "phần trăm",
    "‰": "phần nghìn",
    "đồng": "đồng",
    "đ": "đồng",
    "m": "mét",
    "g": "gam",
    "l": "lít",
}

ROMAN = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100}


# ------------------------------------------------------------------------------------------- numbers


def _tens_and_units(n, *, after_hundreds):
    tens, units = divmod(n, 10)
    if tens == 0:
        if units == 0:
            return []
        return (["linh"] if after_hundreds else []) + [DIGITS[units]]
    words = ["mười"] if tens == 1 else [DIGITS[tens], "mươi"]
    if units == 1:
        words.append("mốt" if tens > 1 else "một")
    elif units == 4:
        words.append("tư" if tens > 1 else "bốn")
    elif units == 5:
        words.append("lăm")
    elif units:
        words.append(DIGITS[units])
    return words


def _group(n, *, full):
    """A group of three digits; `full` when a higher group was read ("không trăm linh năm")."""
    hundreds, rest = divmod(n, 100)
    if hundreds or full:
        return [DIGITS[hundreds], "trăm", *_tens_and_units(rest, after_hundreds=True)]
    return _tens_and_units(rest, after_hundreds=False)


def _below_billion(n, *, leading):
    words = []
    started = not leading
    for value, name in ((n // 10**6, "triệu"), ((n // 1000) % 1000, "nghìn"), (n % 1000, "")):
        if value == 0:
            continue
        words += _group(value, full=started)
        if name:
            words.append(name)
        started = True
    return words


def _words(n, *, leading=True):
    if n >= 10**9:
        high, low = divmod(n, 10**9)
        words = [*_words(high, leading=leading), "tỷ"]
        return words + (_below_billion(low, leading=False) if low else [])
    return _below_billion(n, leading=leading)


def number_words(n: int) -> str:
    """An integer in words: 2023 → "hai nghìn không trăm hai mươi ba"."""
    if n < 0:
        return "âm " + number_words(-n)
    if n == 0:
        return "không"
    return " ".join(_words(n))


def digits_words(digits: str) -> str:
    """Digit by digit: "0912" → "không chín một hai"."""
    return " ".join(DIGITS["0123456789".index(d)] for d in digits if d in "0123456789")


def decimal_words(text: str) -> str:
    """A number as written in Vietnamese: "1.500.000" (dots group thousands), "12,5" (comma decimal)."""
    negative = text.startswith("-")
    text = text.lstrip("-")
    whole, _, fraction = text.partition(",")
    words = number_words(int(whole.replace(".", "") or "0"))
    if fraction:
        zeros = len(fraction) - len(fraction.lstrip("0"))
        rest = fraction.lstrip("0")
        words += " phẩy " + " ".join(["không"] * zeros + ([number_words(int(rest))] if rest else []))
    return ("âm " if negative else "") + words


def ordinal_words(n: int) -> str:
    """After "thứ": 1 → "nhất", 4 → "tư", otherwise the number."""
    return {1: "nhất", 4: "tư"}.get(n, number_words(n))


def month_words(n: int) -> str:
    return "tư" if n == 4 else number_words(n)


def day_words(n: int) -> str:
    """Days 1–10 of a month are read with "mùng": "ngày mùng một"."""
    return f"mùng {number_words(n)}" if n <= 10 else number_words(n)


def roman_value(text: str) -> int | None:
    if not text or any(c not in ROMAN for c in text):
        return None
    total = 0
    for i, c in enumerate(text):
        value = ROMAN[c]
        total += -value if i + 1 < len(text) and ROMAN[text[i + 1]] > value else value
    return total


# --------------------------------------------------------------------------------------- the passes

NUMBER = r"\d{1,3}(?:\.\d{3})+(?:,\d+)?|\d+(?:,\d+)?"
LETTER = r"A-Za-zÀ-ỹĐđ"


def _symbol_words(symbol, abbreviations):
    parts = []
    for part in symbol.split("-"):
        if part in DOCUMENT_KINDS:
            parts.append(DOCUMENT_KINDS[part])
        elif part in abbreviations:
            parts.append(abbreviations[part])
        elif part.isupper():
            parts.append(" ".join(LETTERS.get(c, c) for c in part))
        else:
            parts.append(part)
    return ", ".join(parts)


def _document_numbers(text, abbreviations):
    """124/QĐ-UBND, 12/2023/TT-BTTTT, 05/2024/NĐ-CP: number, year, kind, issuing body."""
    pattern = re.compile(rf"\b(\d+)(?:/(\d{{4}}))?/([A-ZĐ][{LETTER}]*(?:-[A-ZĐ][{LETTER}&]*)+|[A-ZĐ]{{2,}}[A-Za-z]*)\b")

    def replace(match):
        number, year, symbol = match.groups()
        words = [number_words(int(number))]
        if year:
            words.append("năm " + number_words(int(year)))
        words.append(_symbol_words(symbol, abbreviations))
        return ", ".join(words)

    return pattern.sub(replace, text)


def _day_prefix(match):
    """The word "ngày" unless the text already says it: "ngày 15/12" must not become "ngày ngày"."""
    return "" if re.search(r"ngày\s*$", match.string[: match.start(2)], re.IGNORECASE) else "ngày "


def _dates(text):
    def valid(day, month):
        return 1 <= day <= 31 and 1 <= month <= 12

    def full_date(match):
        before, day, month, year = match.group(1), int(match.group(2)), int(match.group(3)), int(match.group(4))
        if not valid(day, month):
            return match.group(0)
        return f"{before}{_day_prefix(match)}{day_words(day)} tháng {month_words(month)} năm {number_words(year)}"

    def day_month(match):
        before, day, month = match.group(1), int(match.group(2)), int(match.group(3))
        if not valid(day, month):
            return match.group(0)
        return f"{before}{_day_prefix(match)}{day_words(day)} tháng {month_words(month)}"

    def month_year(match):
        before, month, year = match.group(1), int(match.group(2)), int(match.group(3))
        if not 1 <= month <= 12:
            return match.group(0)
        prefix = "" if re.search(r"tháng\s*$", match.string[: match.start(2)], re.IGNORECASE) else "tháng "
        return f"{before}{prefix}{month_words(month)} năm {number_words(year)}"

    text = re.sub(r"(^|[^\d/])(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})(?![\d/])", full_date, text)
    text = re.sub(r"((?:tháng|Tháng)\s*)(\d{1,2})/(\d{4})(?![\d/])", month_year, text)
    return re.sub(r"(^|[^\d/.,])(\d{1,2})/(\d{1,2})(?![\d/])", day_month, text)


def _times(text):
    def replace(match):
        hour, minute = int(match.group(1)), int(match.group(2) or 0)
        if hour > 24 or minute > 59:
            return match.group(0)
        words = f"{number_words(hour)} giờ"
        return words + (f" {number_words(minute)} phút" if minute else "")

    # 7h30, 17h, 7g30 ("g" only with minutes: "20 g" is grams), 7h30 phút.
    text = re.sub(r"\b(\d{1,2})\s*(?:h|g(?=\s*\d))(?:\s*(\d{2})\s*(?:phút|p|')?)?(?![\w])", replace, text)
    return re.sub(r"\b(\d{1,2}):(\d{2})\b(?!:)", replace, text)


def _phone_numbers(text):
    def replace(match):
        raw = match.group(0)
        words = digits_words(raw)
        return ("cộng " + words) if raw.startswith("+") else words

    text = re.sub(r"(?<![\d,.])(?:\+84[ .-]?|0)\d{2,3}(?:[ .-]?\d){6,8}(?![\d,])", replace, text)
    # Short hotlines (113, 114, 115, 1022…) after a word that announces a number to call.
    return re.sub(
        r"((?:gọi|số|đường dây nóng|tổng đài|hotline)\s+)(1\d{2,3})\b",
        lambda m: m.group(1) + digits_words(m.group(2)), text, flags=re.IGNORECASE,
    )


def _ranges(text):
    return re.sub(rf"(?<![\w/])({NUMBER})\s*[-–—]\s*({NUMBER})(?![\d/])", r"\1 đến \2", text)


def _ordinals(text):
    def replace(match):
        return match.group(1) + ordinal_words(int(match.group(2)))

    text = re.sub(r"\b((?:thứ|Thứ)\s+)(\d{1,2})\b", replace, text)

    def roman(match):
        value = roman_value(match.group(2))
        return match.group(0) if value is None else match.group(1) + number_words(value)

    keywords = r"quý|Quý|khóa|Khóa|khoá|Khoá|kỳ|Kỳ|chương|Chương|phần|Phần|mục|Mục|thế kỷ|Thế kỷ|đại hội|Đại hội"
    return re.sub(rf"\b((?:{keywords})\s+)([IVXLC]+)\b", roman, text)


def _money_and_units(text):
    units = "|".join(re.escape(unit) for unit in sorted(UNITS, key=len, reverse=True))

    def replace(match):
        return f"{decimal_words(match.group(1))} {UNITS[match.group(2)]}"

    text = re.sub(rf"(?<![\w.,])(-?(?:{NUMBER}))\s*({units})(?![{LETTER}\d²³])", replace, text)
    return re.sub(rf"\$\s*({NUMBER})", lambda m: f"{decimal_words(m.group(1))} đô la Mỹ", text)


def _numbers(text):
    return re.sub(rf"(?<![\w.,])(-?(?:{NUMBER}))(?![\w])", lambda m: decimal_words(m.group(1)), text)


def _abbreviations(text, abbreviations):
    keys = sorted(abbreviations, key=len, reverse=True)
    pattern = re.compile(r"(?<![\w&])(" + "|".join(re.escape(k) for k in keys) + r")(?![\w&])")
    return pattern.sub(lambda m: abbreviations[m.group(1)], text)


def speakable(text: str, *, abbreviations: dict[str, str] | None = None) -> str:
    """The text as a Vietnamese speaker would read it aloud. `abbreviations` (an editor's list) are
    added to, and take precedence over, the built-in ones."""
    table = {**ABBREVIATIONS, **(abbreviations or {})}
    text = unicodedata.normalize("NFC", text)
    # Abbreviations written with digits, dots or dashes first (COVID-19, TP.HCM), before numbers are read.
    text = _abbreviations(text, {k: v for k, v in table.items() if not k.isalpha()})
    text = _document_numbers(text, table)
    text = _phone_numbers(text)
    text = _dates(text)
    text = _times(text)
    text = _ordinals(text)
    text = _ranges(text)
    text = _money_and_units(text)
    text = _numbers(text)
    text = _abbreviations(text, table)
    text = text.replace("&", " và ")
    return re.sub(r"\s+", " ", text).strip()
