"""JSON error bodies a device vendor can act on: a stable `error` code, a `message` in English then
Vietnamese, and for bad input the fields at fault (`fields: {name: [message]}`)."""

from django.http import JsonResponse

MESSAGES = {
    "token_missing": "Missing bearer token in the Authorization header. / Thiếu mã truy cập trong tiêu đề Authorization.",
    "token_invalid": "Unknown, revoked or rotated token. / Mã truy cập không hợp lệ, đã bị thu hồi hoặc đã được đổi.",
    "forbidden": "This token belongs to another device. / Mã truy cập này thuộc thiết bị khác.",
    "rate_limited": "Too many requests; retry after the delay given. / Quá nhiều yêu cầu; hãy thử lại sau thời gian chờ.",
    "invalid_request": "The request is not valid; see `fields`. / Yêu cầu không hợp lệ; xem `fields`.",
    "payload_too_large": "The request body is too large. / Nội dung yêu cầu quá lớn.",
    "not_found": "Not found. / Không tìm thấy.",
    "method_not_allowed": "Method not allowed. / Phương thức không được hỗ trợ.",
    "conflict": "This hardware id is already registered. / Mã phần cứng này đã được đăng ký.",
    "signature_invalid": "The media link's signature is not valid. / Chữ ký của đường dẫn tệp không hợp lệ.",
    "url_expired": "The media link has expired; fetch a new snapshot. / Đường dẫn tệp đã hết hạn; hãy tải lại lịch phát.",
    "range_not_satisfiable": "The requested range is outside the file. / Khoảng byte yêu cầu nằm ngoài tệp.",
}


def api_error(status: int, code: str, message: str | None = None, *, headers: dict | None = None, **extra):
    response = JsonResponse(
        {"error": code, "message": message or MESSAGES.get(code, code), **extra},
        status=status, json_dumps_params={"ensure_ascii": False},
    )
    response["Cache-Control"] = "no-store"
    for name, value in (headers or {}).items():
        response[name] = value
    return response


def unauthorized(code: str):
    error = "invalid_request" if code == "token_missing" else "invalid_token"
    return api_error(401, code, headers={"WWW-Authenticate": f'Bearer realm="devices", error="{error}"'})


def invalid(fields: dict[str, list[str]], message: str | None = None):
    return api_error(400, "invalid_request", message, fields=fields)


def rate_limited(retry_after: int):
    return api_error(429, "rate_limited", headers={"Retry-After": str(retry_after)}, retry_after_s=retry_after)
