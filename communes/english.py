"""Which sites still lack a published English organisation page (Nghị định 42/2022/NĐ-CP, Điều 7).

Every site, the portal's and each commune's, must publish its organisation page (functions, structure,
leaders, focal points) in English too. A site is missing it when its Vietnamese organisation page has no
English translation, when the translation is a draft only, or when it is an alias (an alias shows the
Vietnamese text). Commune sites whose home is unpublished (merged away in a reform) are not counted.

Read by `manage.py check_english_pages` and by the admin's panel for portal staff, in four queries
whatever the number of communes.
"""

from dataclasses import dataclass

from django.conf import settings
from django.urls import reverse
from wagtail.models import Page

from communes.models import OrganisationPage
from core.folding import fold
from sites.models import CommuneSite, Portal

ENGLISH = "en"


@dataclass(frozen=True)
class MissingEnglish:
    site: str  # "Xã Đắk La", "Huyện Đắk Hà (cổng thông tin)"
    problem: str  # what is missing, in Vietnamese
    edit_url: str  # the admin page where it is put right


NO_PAGE = "chưa có trang cơ cấu tổ chức"
NO_TRANSLATION = "chưa có bản tiếng Anh"
DRAFT_ONLY = "bản tiếng Anh chưa được xuất bản"
ALIAS_ONLY = "bản tiếng Anh chỉ là trang bí danh của bản tiếng Việt, chưa được dịch"


def _sites():
    """(name, home) of the portal, then of every commune whose home is live, by Vietnamese name order."""
    portals = [(f"{record.unit.name} (cổng thông tin)", record.home)
               for record in Portal.objects.select_related("unit", "home").only("unit__name", "home__id", "home__path")]
    communes = [(record.unit.name, record.home) for record in
                CommuneSite.objects.filter(home__live=True).select_related("unit", "home")
                .only("unit__name", "home__id", "home__path")]
    communes.sort(key=lambda row: (fold(row[0]), row[0]))
    return portals + communes


def organisation_pages_without_english():
    """Every site whose organisation page has no published English version, as `MissingEnglish` rows."""
    sites = _sites()
    steplen = Page.steplen
    originals = {
        page["path"][:-steplen]: page
        for page in OrganisationPage.objects.filter(locale__language_code=settings.LANGUAGE_CODE)
        .values("pk", "path", "translation_key")
    }
    keys = [page["translation_key"] for page in originals.values()]
    english = {
        page["translation_key"]: page
        for page in Page.objects.filter(translation_key__in=keys, locale__language_code=ENGLISH)
        .values("pk", "translation_key", "live", "alias_of_id")
    }
    missing = []
    for name, home in sites:
        original = originals.get(home.path)
        if original is None:
            missing.append(MissingEnglish(name, NO_PAGE, reverse("wagtailadmin_pages:add_subpage", args=[home.pk])))
            continue
        translated = english.get(original["translation_key"])
        if translated is None:
            problem, page_id = NO_TRANSLATION, original["pk"]
        elif translated["alias_of_id"] is not None:
            problem, page_id = ALIAS_ONLY, translated["pk"]
        elif not translated["live"]:
            problem, page_id = DRAFT_ONLY, translated["pk"]
        else:
            continue
        missing.append(MissingEnglish(name, problem, reverse("wagtailadmin_pages:edit", args=[page_id])))
    return missing
