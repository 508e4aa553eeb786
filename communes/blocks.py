"""StreamField blocks shared by portal and commune pages."""

from wagtail import blocks
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.images.blocks import ImageBlock


class ContactBlock(blocks.StructBlock):
    name = blocks.CharBlock(label="Họ và tên", max_length=120)
    position = blocks.CharBlock(label="Chức vụ", max_length=160)
    # Optional parts default to "" (not None): wagtail-localize cannot translate a None segment.
    responsibility = blocks.CharBlock(label="Lĩnh vực phụ trách", max_length=255, required=False, default="")
    phone = blocks.CharBlock(label="Điện thoại", max_length=40, required=False, default="")
    email = blocks.EmailBlock(label="Thư điện tử", required=False, default="")

    class Meta:
        icon = "user"
        label = "Người liên hệ"
        template = "blocks/contact.html"


class BodyBlock(blocks.StreamBlock):
    heading = blocks.CharBlock(label="Tiêu đề mục", form_classname="title", template="blocks/heading.html")
    paragraph = blocks.RichTextBlock(
        label="Đoạn văn", features=["bold", "italic", "link", "ol", "ul", "h3", "h4", "document-link"]
    )
    image = ImageBlock(label="Hình ảnh", template="blocks/image.html")
    quote = blocks.BlockQuoteBlock(label="Trích dẫn")
    document = DocumentChooserBlock(label="Tệp đính kèm", template="blocks/document.html")
    table = blocks.StructBlock(
        [
            ("caption", blocks.CharBlock(label="Chú thích bảng", required=False)),
            ("rows", blocks.ListBlock(blocks.ListBlock(blocks.CharBlock(label="Ô")), label="Hàng")),
        ],
        label="Bảng số liệu",
        template="blocks/table.html",
    )

    class Meta:
        template = "blocks/body.html"
