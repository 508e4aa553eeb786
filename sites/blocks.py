"""Blocks of the site identity every portal and commune carries (leaders, focal points)."""

from wagtail import blocks


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
