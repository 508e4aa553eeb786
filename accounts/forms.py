from django import forms


class CodeForm(forms.Form):
    code = forms.CharField(
        label="Mã xác thực",
        max_length=32,
        strip=True,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "autofocus": True, "spellcheck": "false"}),
    )


class VerifyForm(CodeForm):
    code = forms.CharField(
        label="Mã xác thực hoặc mã dự phòng",
        help_text="Nhập 6 chữ số trong ứng dụng xác thực, hoặc một mã dự phòng (mỗi mã dùng được một lần).",
        max_length=32,
        strip=True,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "autofocus": True, "spellcheck": "false"}),
    )
