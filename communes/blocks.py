"""StreamField blocks shared by portal and commune pages."""

from wagtail import blocks
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.images.blocks import ImageBlock


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
