"""The editor's guide: short Vietnamese pages inside the admin, one per task officials do most.

Each step may name a screenshot; `scripts/guide_screenshots.py` takes every one of them from the running
product (a fresh demo database, the demo's users) and saves it under guide/static/guide/screenshots/, so
the pictures follow the product. A page whose screenshot is missing still reads well: it says so.
"""

from dataclasses import dataclass, field

SCREENSHOT_DIR = "guide/screenshots"


@dataclass(frozen=True)
class Step:
    heading: str
    text: str
    screenshot: str = ""  # a file name under SCREENSHOT_DIR, taken by scripts/guide_screenshots.py
    alt: str = ""


@dataclass(frozen=True)
class Topic:
    slug: str
    title: str
    summary: str
    steps: list = field(default_factory=list)


TOPICS = [
    Topic(
        slug="viet-tin-bai",
        title="Viết và đăng tin bài",
        summary="Tin tức, sự kiện của xã: soạn, gửi duyệt và xuất bản.",
        steps=[
            Step("Trang chủ quản trị",
                 "Sau khi đăng nhập, trang chủ quản trị cho biết việc cần làm: câu hỏi của người dân đang chờ "
                 "và hạn trả lời, các trang chờ bạn duyệt, thiết bị bảng tin hoặc cụm loa mất kết nối.",
                 "trang-chu-quan-tri.webp", "Trang chủ quản trị với các việc cần làm"),
            Step("Thêm tin bài",
                 "Vào «Trang», mở trang của xã, chọn mục «Tin tức» rồi «Thêm trang con»: biểu mẫu tin bài "
                 "mở ra. Nhập tiêu đề, tóm tắt (hiện ở danh sách tin), ảnh đại diện và nội dung. Đường dẫn "
                 "của tin được tạo tự động từ tiêu đề, bỏ dấu tiếng Việt.",
                 "them-tin-bai.webp", "Biểu mẫu thêm tin bài"),
            Step("Gửi duyệt và xuất bản",
                 "Biên tập viên bấm «Gửi duyệt» (ở cuối trang soạn thảo): người duyệt của xã nhận được yêu cầu "
                 "trên trang chủ quản trị, xem trước, rồi «Phê duyệt và xuất bản» hoặc «Yêu cầu chỉnh sửa» kèm "
                 "nhận xét. Tin đã xuất bản có thể chuyển thành thông báo bảng tin hoặc bản tin phát thanh bằng "
                 "nút trên đầu trang."),
        ],
    ),
    Topic(
        slug="dang-van-ban",
        title="Đăng văn bản pháp luật",
        summary="Quyết định, thông báo, kế hoạch… với số ký hiệu, ngày ban hành và tệp đính kèm.",
        steps=[
            Step("Thêm văn bản",
                 "Vào «Trang», mở trang của xã, chọn mục «Văn bản» rồi «Thêm trang con»: biểu mẫu văn bản mở "
                 "ra. Điền hình thức văn bản, số ký hiệu (ví dụ 12/QĐ-UBND), cơ quan ban hành, người ký, ngày ban "
                 "hành, ngày có hiệu lực, tình trạng hiệu lực, lĩnh vực và trích yếu.",
                 "them-van-ban.webp", "Biểu mẫu thêm văn bản pháp luật"),
            Step("Tệp đính kèm",
                 "Tải lên bản PDF đã ký (hoặc tệp Word, Excel). Người dân tải được tệp ngay trên trang văn bản; "
                 "ngày tháng luôn hiển thị theo dạng ngày/tháng/năm."),
            Step("Duyệt và công bố",
                 "Như tin bài: gửi duyệt, người duyệt kiểm tra rồi xuất bản. Khi văn bản hết hiệu lực, sửa "
                 "«Tình trạng hiệu lực» thay vì xoá, để người dân vẫn tra cứu được."),
        ],
    ),
    Topic(
        slug="tra-loi-hoi-dap",
        title="Trả lời câu hỏi, phản ánh của người dân",
        summary="Tiếp nhận, trả lời trong hạn, trình duyệt và công khai câu trả lời.",
        steps=[
            Step("Danh sách câu hỏi",
                 "Vào «Hỏi đáp» → «Câu hỏi, phản ánh». Mỗi câu hỏi có mã tra cứu, trạng thái, ngày nhận và hạn trả "
                 "lời (mặc định 10 ngày làm việc, không tính ngày nghỉ lễ). Lọc «Quá hạn» để xem câu hỏi đã quá hạn.",
                 "danh-sach-cau-hoi.webp", "Danh sách câu hỏi, phản ánh với hạn trả lời"),
            Step("Xử lý một câu hỏi",
                 "Mở câu hỏi: «Thụ lý, phân công xử lý» và ghi bộ phận xử lý, soạn câu trả lời rồi «Gửi câu "
                 "trả lời để duyệt». Nội dung công khai phải che số điện thoại, email, số CCCD; thông tin liên hệ "
                 "của người gửi chỉ xem được qua nút riêng và mỗi lần xem đều được ghi nhật ký.",
                 "xu-ly-cau-hoi.webp", "Màn hình xử lý một câu hỏi"),
            Step("Duyệt và công khai",
                 "Người duyệt bấm «Duyệt và công bố» (câu trả lời hiện trên trang hỏi đáp của xã), hoặc «Duyệt và "
                 "gửi trả lời riêng» khi người gửi yêu cầu trả lời riêng. Người gửi nhận thư thông báo và tra cứu "
                 "được bằng mã của mình."),
        ],
    ),
    Topic(
        slug="bang-tin-truyen-thanh",
        title="Bảng tin, truyền thanh và cảnh báo khẩn cấp",
        summary="Thông báo trên bảng tin điện tử, bản tin đài truyền thanh, cảnh báo thiên tai.",
        steps=[
            Step("Thông báo bảng tin",
                 "Vào «Bảng tin, truyền thanh» → «Thông báo bảng tin» → «Thêm thông báo bảng tin». Nhập nội dung "
                 "ngắn, thời gian hiệu lực, khung giờ và chọn bảng tin hoặc nhóm bảng tin nhận thông báo; xem trước "
                 "dạng màn hình LED và màn hình lớn, rồi gửi duyệt.",
                 "thong-bao-bang-tin.webp", "Danh sách thông báo bảng tin"),
            Step("Bản tin phát thanh",
                 "Vào «Đài truyền thanh» → «Bản tin phát thanh» → «Thêm bản tin phát thanh». Nhập văn bản (máy đọc "
                 "thành tiếng) hoặc tải bản ghi âm, chọn giờ phát, số lần lặp và cụm loa; nghe thử trước khi gửi "
                 "duyệt. «Lịch phát» cho thấy chương trình trong ngày và cảnh báo khi các bản tin chồng giờ.",
                 "ban-tin-phat-thanh.webp", "Danh sách bản tin phát thanh"),
            Step("Cảnh báo khẩn cấp",
                 "Chỉ người thuộc nhóm phát cảnh báo khẩn cấp mới phát được. Vào «Cảnh báo khẩn cấp» → «Thêm cảnh "
                 "báo khẩn cấp»: chọn loại thiên tai, mức độ, khu vực và thời hạn. Cảnh báo hiện ngay trên mọi trang "
                 "của các xã bị ảnh hưởng và chiếm màn hình các bảng tin; có thể cập nhật hoặc huỷ khi hết nguy hiểm.",
                 "canh-bao-khan-cap.webp", "Biểu mẫu thêm cảnh báo khẩn cấp"),
        ],
    ),
]

TOPICS_BY_SLUG = {topic.slug: topic for topic in TOPICS}


def screenshot_names():
    """Every screenshot the guide shows: what the screenshot script must take."""
    return [step.screenshot for topic in TOPICS for step in topic.steps if step.screenshot]
