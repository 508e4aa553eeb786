"""Forms: the citizen's submission and lookup, and the admin's processing and data-request forms."""

import re

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat

from questions.models import QuestionField, QuestionKind, normalize_tracking_code

TITLE_MIN, TITLE_MAX = 10, 200
TEXT_MIN, TEXT_MAX = 20, 5000
HONEYPOT_FIELD = "trang_web"
ALLOWED_IMAGE_FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}
PHONE_DIGITS = re.compile(r"^(?:\+?84|0)\d{8,10}$")


def attachment_max_size():
    return settings.QUESTIONS_ATTACHMENT_MAX_SIZE


def check_attachment(upload):
    """Accept JPEG/PNG/WebP images that Pillow can read, or PDFs; return the real extension.

    The browser's content type and the file name are the sender's claims; only the bytes count.
    """
    if upload.size > attachment_max_size():
        raise ValidationError(
            f"Tệp đính kèm quá lớn ({filesizeformat(upload.size)}); dung lượng tối đa là "
            f"{filesizeformat(attachment_max_size())}. Vui lòng chọn tệp nhỏ hơn."
        )
    if upload.size == 0:
        raise ValidationError("Tệp đính kèm trống. Vui lòng chọn lại tệp.")
    upload.seek(0)
    head = upload.read(5)
    upload.seek(0)
    if head == b"%PDF-":
        return "pdf"
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(upload) as image:
            image_format = image.format
            image.verify()  # checks the file's structure without decoding every pixel
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        image_format = None
    finally:
        upload.seek(0)
    if image_format not in ALLOWED_IMAGE_FORMATS:
        raise ValidationError(
            "Tệp đính kèm không hợp lệ: chỉ nhận ảnh JPEG, PNG, WebP hoặc tệp PDF. Vui lòng chọn lại tệp."
        )
    return ALLOWED_IMAGE_FORMATS[image_format]


class QuestionForm(forms.Form):
    """The citizen's form. Labels and messages are what a citizen reads: plain Vietnamese."""

    commune = forms.ModelChoiceField(
        label="Gửi tới", queryset=None, required=False, empty_label="— Chọn xã, phường —",
        help_text="Ủy ban nhân dân xã, phường sẽ trả lời câu hỏi của bạn.",
    )
    name = forms.CharField(
        label="Họ và tên hoặc bí danh", max_length=100,
        help_text="Trên trang công khai chỉ hiện chữ cái đầu, ví dụ N.V.A.",
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    email = forms.EmailField(
        label="Email", required=False, max_length=254,
        help_text="Không bắt buộc. Dùng để báo cho bạn khi có câu trả lời; không bao giờ công khai.",
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    phone = forms.CharField(
        label="Số điện thoại", required=False, max_length=20,
        help_text="Không bắt buộc; không bao giờ công khai.",
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
    )
    address = forms.CharField(
        label="Địa chỉ", required=False, max_length=200,
        help_text="Không bắt buộc. Chỉ ghi khi cần để xác minh phản ánh; không bao giờ công khai.",
        widget=forms.TextInput(attrs={"autocomplete": "street-address"}),
    )
    kind = forms.ChoiceField(label="Loại", choices=QuestionKind.choices, initial=QuestionKind.QUESTION,
                             widget=forms.RadioSelect)
    field = forms.ChoiceField(label="Lĩnh vực", choices=[("", "— Chọn lĩnh vực —")] + QuestionField.choices)
    title = forms.CharField(
        label="Tiêu đề", min_length=TITLE_MIN, max_length=TITLE_MAX,
        help_text=f"Từ {TITLE_MIN} đến {TITLE_MAX} ký tự.",
    )
    text = forms.CharField(
        label="Nội dung", min_length=TEXT_MIN, max_length=TEXT_MAX,
        # Vietnamese groups thousands with a dot: 5.000.
        help_text=f"Từ {TEXT_MIN} đến {TEXT_MAX:,} ký tự.".replace(",", ".")
        + " Không ghi số điện thoại, số CCCD vào nội dung.",
        widget=forms.Textarea(attrs={"rows": 10}),
    )
    attachment = forms.FileField(
        label="Tệp đính kèm", required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ".jpg,.jpeg,.png,.webp,.pdf,image/jpeg,image/png,image/webp,application/pdf"}),
    )
    private = forms.BooleanField(
        label="Tôi muốn nhận câu trả lời riêng, không công khai câu hỏi", required=False,
        help_text="Khi chọn, cần ghi email hoặc số điện thoại để cán bộ trả lời bạn.",
    )
    consent = forms.BooleanField(
        label="Tôi đồng ý để Ủy ban nhân dân xử lý thông tin cá nhân trong câu hỏi này theo thông báo bảo vệ dữ liệu cá nhân",
        error_messages={"required": "Bạn cần đánh dấu ô đồng ý xử lý dữ liệu cá nhân để gửi câu hỏi."},
    )
    # A field people never see (hidden by CSS, skipped by screen readers and the tab order); bots fill it.
    trang_web = forms.CharField(label="Để trống ô này", required=False)

    def __init__(self, *args, communes=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["attachment"].help_text = (
            f"Không bắt buộc. Ảnh JPEG, PNG, WebP hoặc tệp PDF, tối đa {filesizeformat(attachment_max_size())}."
        )
        communes = communes or []
        if len(communes) == 1:
            del self.fields["commune"]
            self.fixed_commune = communes[0]
        else:
            from communes.models import CommuneHomePage

            self.fixed_commune = None
            self.fields["commune"].queryset = CommuneHomePage.objects.filter(pk__in=[c.pk for c in communes]).order_by("title")
            self.fields["commune"].required = True
            self.fields["commune"].error_messages["required"] = "Vui lòng chọn xã, phường nhận câu hỏi."
            self.fields["commune"].error_messages["invalid_choice"] = "Xã, phường đã chọn không hợp lệ."
        required_messages = {
            "name": "Vui lòng nhập họ và tên hoặc bí danh.",
            "kind": "Vui lòng chọn loại: câu hỏi hay phản ánh, kiến nghị.",
            "field": "Vui lòng chọn lĩnh vực.",
            "title": "Vui lòng nhập tiêu đề.",
            "text": "Vui lòng nhập nội dung.",
        }
        for name, message in required_messages.items():
            self.fields[name].error_messages["required"] = message
        for name in ("name", "email", "phone", "address", "title", "text"):
            field = self.fields[name]
            # Validators were built with Django's default messages; replace them with Vietnamese ones.
            for validator in field.validators:
                code = getattr(validator, "code", "")
                if code == "min_length":
                    validator.message = f"{field.label} cần ít nhất %(limit_value)d ký tự (hiện có %(show_value)d)."
                elif code == "max_length":
                    validator.message = f"{field.label} chỉ được tối đa %(limit_value)d ký tự (hiện có %(show_value)d)."
        self.fields["email"].error_messages["invalid"] = "Địa chỉ email không hợp lệ, ví dụ đúng: ten@example.com."
        self.fields["kind"].error_messages["invalid_choice"] = "Loại câu hỏi không hợp lệ."
        self.fields["field"].error_messages["invalid_choice"] = "Lĩnh vực không hợp lệ."
        self.fields["attachment"].error_messages["invalid"] = "Tệp đính kèm không hợp lệ. Vui lòng chọn lại tệp."
        self.fields["attachment"].error_messages["empty"] = "Tệp đính kèm trống. Vui lòng chọn lại tệp."
        self.fields["attachment"].error_messages["max_length"] = "Tên tệp đính kèm quá dài."

    def clean_phone(self):
        phone = self.cleaned_data["phone"].strip()
        if not phone:
            return ""
        digits = re.sub(r"[\s.\-()]", "", phone)
        if not PHONE_DIGITS.match(digits):
            raise ValidationError("Số điện thoại không hợp lệ, ví dụ đúng: 0912 345 678.")
        return digits

    def clean_name(self):
        name = " ".join(self.cleaned_data["name"].split())
        if not any(c.isalpha() for c in name):
            raise ValidationError("Vui lòng nhập họ và tên hoặc một bí danh có chữ cái.")
        return name

    def clean_attachment(self):
        upload = self.cleaned_data.get("attachment")
        if not upload:
            return None
        self.attachment_extension = check_attachment(upload)
        return upload

    def clean_trang_web(self):
        if self.cleaned_data.get(HONEYPOT_FIELD):
            raise ValidationError("Không gửi được câu hỏi. Vui lòng để trống ô “Để trống ô này” rồi gửi lại.")
        return ""

    def clean(self):
        data = super().clean()
        if data.get("private") and not (data.get("email") or data.get("phone")):
            self.add_error(
                "private", "Để nhận câu trả lời riêng, vui lòng ghi email hoặc số điện thoại."
            )
        if self.fixed_commune is not None:
            data["commune"] = self.fixed_commune
        return data


class LookupForm(forms.Form):
    code = forms.CharField(
        label="Mã tra cứu", max_length=32, help_text="Ví dụ: HD-ABCDE-FGH23",
        error_messages={"required": "Vui lòng nhập mã tra cứu."},
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}),
    )

    proof = forms.CharField(
        label="Email hoặc số điện thoại đã ghi khi gửi", max_length=254, required=False,
        help_text="Chỉ cần khi bạn yêu cầu trả lời riêng: nhập đúng email hoặc số điện thoại đã ghi khi gửi "
                  "để xem câu trả lời riêng.",
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )

    def clean_code(self):
        code = normalize_tracking_code(self.cleaned_data["code"])
        if not code:
            raise ValidationError("Mã tra cứu gồm chữ HD và 10 ký tự, ví dụ HD-ABCDE-FGH23. Vui lòng kiểm tra lại.")
        return code


STALE_FORM = "Biểu mẫu không còn hợp lệ. Vui lòng tải lại trang rồi thao tác lại."


class ProcessForm(forms.Form):
    """What an official edits on a question: redaction, classification, assignment, the answer."""

    title = forms.CharField(label="Tiêu đề công khai", max_length=TITLE_MAX)
    public_text = forms.CharField(
        label="Nội dung công khai", max_length=TEXT_MAX, widget=forms.Textarea(attrs={"rows": 8}),
        help_text="Che thông tin cá nhân (số điện thoại, email, số CCCD, địa chỉ) trước khi công bố.",
    )
    kind = forms.ChoiceField(label="Loại", choices=QuestionKind.choices)
    field = forms.ChoiceField(label="Lĩnh vực", choices=QuestionField.choices)
    assignee = forms.ModelChoiceField(label="Cán bộ xử lý", queryset=None, required=False)
    department = forms.CharField(label="Bộ phận xử lý", max_length=120, required=False)
    answer = forms.CharField(label="Câu trả lời", max_length=20000, required=False, widget=forms.Textarea(attrs={"rows": 12}))
    reason = forms.CharField(
        label="Lý do (khi từ chối hoặc ẩn)", max_length=1000, required=False, widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Người gửi đọc được lý do này trên trang tra cứu: viết rõ ràng, lịch sự, không ghi thông tin cá nhân.",
    )
    # The question's version this form was opened at: saving a stale form is refused, not applied.
    version = forms.IntegerField(
        widget=forms.HiddenInput, min_value=1,
        error_messages={"required": STALE_FORM, "invalid": STALE_FORM, "min_value": STALE_FORM},
    )

    def __init__(self, *args, staff=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = staff
        self.fields["assignee"].label_from_instance = lambda u: u.get_full_name() or u.get_username()


class DataRequestForm(forms.Form):
    """A citizen asks for their data: find their submissions by email, phone or tracking code."""

    query = forms.CharField(
        label="Email, số điện thoại hoặc mã tra cứu của công dân", max_length=254,
        error_messages={"required": "Vui lòng nhập email, số điện thoại hoặc mã tra cứu."},
    )
