"""The demo's English pages (Nghị định 42/2022, Điều 7: the organisation page exists in English too).

Texts are written side by side, each Vietnamese sentence with its English translation, so the Vietnamese
page and the translator's work come from one place. The English page is then made as an editor makes it in
the admin with wagtail-localize: "Translate" (a translation source and a draft English copy, with the
English home pages it needs), the translated strings entered in the translation editor, then publish. The
page is therefore linked as wagtail-localize links it, and editors later update it in the same editor.
Names, phone numbers and e-mail addresses are not translated: they stay as in the Vietnamese page.
"""

from html import escape

from wagtail.models import Locale
from wagtail_localize.models import StringSegment, StringTranslation, Translation
from wagtail_localize.operations import TranslationCreator
from wagtail_localize.strings import StringValue

ORGANISATION_TITLE_EN = "Organisation and contacts"


class Bilingual:
    """Rich text blocks (paragraphs and bulleted lists) in Vietnamese and English, side by side."""

    def __init__(self):
        self.blocks = []

    def paragraph(self, vietnamese, english):
        self.blocks.append(("p", [(vietnamese, english)]))
        return self

    def items(self, pairs):
        self.blocks.append(("ul", list(pairs)))
        return self

    def html(self, language="vi"):
        side = 0 if language == "vi" else 1
        parts = []
        for kind, pairs in self.blocks:
            if kind == "p":
                parts.append(f"<p>{escape(pairs[0][side])}</p>")
            else:
                parts.append("<ul>" + "".join(f"<li>{escape(pair[side])}</li>" for pair in pairs) + "</ul>")
        return "".join(parts)

    def wording(self):
        return dict(pair for _, pairs in self.blocks for pair in pairs)


def translate_page(page, wording, user, language_code="en"):
    """Translate a page into another language the way the admin does, and publish the translation.

    `wording` maps the page's Vietnamese strings (plain text) to their translations; what it does not
    name (a person's name, a phone number) keeps the source text, as the translation editor's fallback
    does. Returns the published translation.
    """
    locale = Locale.objects.get(language_code=language_code)
    # "Translate" in the admin: the source, the translation record and a draft copy (with the parent
    # pages it needs in that language, made as aliases of the Vietnamese ones).
    TranslationCreator(user, [locale]).create_translations(page)
    translation = Translation.objects.get(
        source__object_id=page.translation_key, source__specific_content_type=page.content_type_id,
        target_locale=locale,
    )
    wanted = {StringValue.from_plaintext(source).data: StringValue.from_plaintext(target).data
              for source, target in wording.items()}
    for segment in StringSegment.objects.filter(source=translation.source).select_related("string"):
        data = wanted.get(segment.string.data)
        if data is not None:
            StringTranslation.objects.update_or_create(
                translation_of=segment.string, locale=locale, context=segment.context, defaults={"data": data},
            )
    # The translation editor's "Publish": saved as a new revision, then published (wagtail-localize defers
    # the publication to the end of the transaction; the demo publishes at once, as its other pages).
    translation.save_target(user=user, publish=False)
    translated = page.get_translation(locale)
    # A fresh user object: permissions are cached on it, and the English home pages made above have just
    # received the grants of their Vietnamese originals (`sites.translations`).
    publisher = type(user).objects.get(pk=user.pk)
    translated.get_latest_revision().publish(user=publisher)
    return translated.specific_class.objects.get(pk=translated.pk)
