"""Commune pages: the page tree every commune website is made of.

CommuneHomePage
├── CommuneProfilePage      (giới thiệu: natural and socio-economic data, villages)
├── OrganisationPage        (cơ cấu tổ chức: functions, structure, leaders, focal points; has an English version)
├── NewsIndexPage → NewsPage
├── DocumentIndexPage → LegalDocumentPage
├── QuestionIndexPage       (hỏi đáp, in the questions app)
└── StandardPage → StandardPage
"""

from django.db import models
from django.utils import timezone
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey
from taggit.models import TaggedItemBase
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Orderable, Page
from wagtail.search import index

from communes.blocks import BodyBlock
from communes.feeds import AtomNewsFeed, CategoryFeedRoutesMixin, FeedRoutesMixin, NewsFeed
from core.folding import document_number_key
from core.pagination import paginate
from sites.blocks import ContactBlock
from sites.models import SiteIdentity, identity_tabs
from sites.pages import COMMUNE, SiteHomeMixin, SitePageMixin, public_pages


def with_card_images(news):
    """News with their images and renditions in two queries, not two per news card."""
    return news.select_related("image").prefetch_related("image__renditions")


class CommuneHomePage(SitePageMixin, FeedRoutesMixin, SiteHomeMixin, SiteIdentity, Page):
    site_level = COMMUNE

    intro = models.TextField("giới thiệu ngắn", blank=True, max_length=600)

    parent_page_types = ["home.PortalHomePage"]
    subpage_types = [
        "communes.CommuneProfilePage",
        "communes.OrganisationPage",
        "communes.NewsIndexPage",
        "communes.DocumentIndexPage",
        "questions.QuestionIndexPage",
        "communes.StandardPage",
    ]
    content_panels = Page.content_panels + [FieldPanel("intro")]
    edit_handler = identity_tabs(content_panels)
    search_fields = Page.search_fields + [index.SearchField("intro")]

    class Meta:
        verbose_name = "trang chủ xã"
        verbose_name_plural = "trang chủ xã"

    def latest_news(self, count=5):
        return with_card_images(public_pages(NewsPage.objects.live().descendant_of(self)).order_by("-date", "-pk"))[:count]

    def latest_documents(self, count=5):
        return public_pages(LegalDocumentPage.objects.live().descendant_of(self)).order_by("-issue_date", "-pk")[:count]

    def feed_items(self):
        return self.latest_news(count=30)

    def document_feed_items(self):
        return self.latest_documents(count=30)


class CommuneProfilePage(SitePageMixin, Page):
    intro = models.TextField("tóm tắt", blank=True, max_length=600)
    location = RichTextField("vị trí địa lý", blank=True, features=["bold", "italic", "link"])
    natural_conditions = RichTextField("điều kiện tự nhiên", blank=True, features=["bold", "italic", "link", "ul"])
    area_km2 = models.DecimalField("diện tích tự nhiên (km²)", max_digits=9, decimal_places=2, null=True, blank=True)
    population = models.PositiveIntegerField("dân số (người)", null=True, blank=True)
    households = models.PositiveIntegerField("số hộ", null=True, blank=True)
    ethnic_groups = models.CharField(
        "các dân tộc", max_length=255, blank=True, help_text="Ví dụ: Kinh, Xơ Đăng, Ba Na"
    )
    economy = RichTextField("kinh tế - xã hội", blank=True, features=["bold", "italic", "link", "ul", "ol"])
    statistics_year = models.PositiveSmallIntegerField("số liệu năm", null=True, blank=True)

    parent_page_types = ["communes.CommuneHomePage"]
    subpage_types = []
    max_count_per_parent = 1
    content_panels = Page.content_panels + [
        FieldPanel("intro"),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("area_km2"), FieldPanel("population"), FieldPanel("households")]),
                FieldPanel("statistics_year"),
                FieldPanel("ethnic_groups"),
            ],
            heading="Số liệu cơ bản",
        ),
        FieldPanel("location"),
        FieldPanel("natural_conditions"),
        FieldPanel("economy"),
        InlinePanel("villages", heading="Thôn, làng, tổ dân phố", label="Thôn"),
    ]
    search_fields = Page.search_fields + [
        index.SearchField("intro"),
        index.SearchField("natural_conditions"),
        index.SearchField("economy"),
        index.SearchField("ethnic_groups"),
        index.RelatedFields("villages", [index.SearchField("name")]),
    ]

    class Meta:
        verbose_name = "giới thiệu xã"
        verbose_name_plural = "giới thiệu xã"

    def save(self, *args, **kwargs):
        result = super().save(*args, **kwargs)
        # The search index is updated from post_save, before modelcluster saves the villages;
        # index again now that they exist, so a village's name finds its commune.
        from wagtail.search import index as search_index

        search_index.insert_or_update_object(self)
        return result

    @property
    def density(self):
        if self.population and self.area_km2:
            return round(self.population / float(self.area_km2))
        return None


class VillageKind(models.TextChoices):
    VILLAGE = "thon", "Thôn"
    HAMLET = "lang", "Làng"
    RESIDENTIAL_GROUP = "to_dan_pho", "Tổ dân phố"


class Village(Orderable):
    """A village (thôn, làng, tổ dân phố). Later capabilities key speaker clusters to these."""

    page = ParentalKey(CommuneProfilePage, on_delete=models.CASCADE, related_name="villages")
    name = models.CharField("tên", max_length=120)
    kind = models.CharField("loại", max_length=16, choices=VillageKind.choices, default=VillageKind.VILLAGE)
    households = models.PositiveIntegerField("số hộ", null=True, blank=True)
    population = models.PositiveIntegerField("số khẩu", null=True, blank=True)
    note = models.CharField("ghi chú", max_length=255, blank=True)

    panels = [FieldPanel("name"), FieldPanel("kind"), FieldPanel("households"), FieldPanel("population"), FieldPanel("note")]

    class Meta(Orderable.Meta):
        verbose_name = "thôn, làng"
        verbose_name_plural = "thôn, làng"

    def __str__(self):
        return f"{self.get_kind_display()} {self.name}"


class OrganisationPage(SitePageMixin, Page):
    """Functions, structure and contacts. Nghị định 42/2022 Điều 7 wants it in English too."""

    functions = RichTextField("chức năng, nhiệm vụ", blank=True, features=["bold", "italic", "link", "ul", "ol"])
    structure = RichTextField("cơ cấu tổ chức", blank=True, features=["bold", "italic", "link", "ul", "ol"])
    leaders = StreamField([("person", ContactBlock())], verbose_name="lãnh đạo", blank=True)
    focal_points = StreamField([("person", ContactBlock())], verbose_name="đầu mối liên hệ", blank=True)

    parent_page_types = ["communes.CommuneHomePage", "home.PortalHomePage"]
    subpage_types = []
    max_count_per_parent = 1
    content_panels = Page.content_panels + [
        FieldPanel("functions"),
        FieldPanel("structure"),
        FieldPanel("leaders"),
        FieldPanel("focal_points"),
    ]
    search_fields = Page.search_fields + [index.SearchField("functions"), index.SearchField("structure")]

    class Meta:
        verbose_name = "cơ cấu tổ chức"
        verbose_name_plural = "cơ cấu tổ chức"


class NewsIndexPage(SitePageMixin, CategoryFeedRoutesMixin, RoutablePageMixin, Page):
    intro = models.TextField("giới thiệu", blank=True, max_length=600)

    parent_page_types = ["communes.CommuneHomePage", "home.PortalHomePage"]
    subpage_types = ["communes.NewsPage"]
    max_count_per_parent = 1
    content_panels = Page.content_panels + [FieldPanel("intro")]

    class Meta:
        verbose_name = "chuyên mục tin tức"
        verbose_name_plural = "chuyên mục tin tức"

    def news(self):
        return with_card_images(public_pages(NewsPage.objects.live().child_of(self)).order_by("-date", "-pk"))

    @staticmethod
    def category_choices():
        return NewsCategory.choices

    def category_news(self, category):
        """The news of one category, for its feeds: no images (feeds show none), so no renditions query."""
        return public_pages(NewsPage.objects.live().child_of(self)).filter(category=category).order_by("-date", "-pk")

    @path("", name="index")
    def index(self, request):
        items = self.news()
        category = request.GET.get("chuyen-muc")
        if category in NewsCategory.values:
            items = items.filter(category=category)
        else:
            category = None
        tag = (request.GET.get("the") or "").replace("\x00", "")  # PostgreSQL refuses NUL in text
        if tag:
            items = items.filter(tags__name=tag)
        return self.render(
            request,
            context_overrides={"items": paginate(request, items), "category": category, "tag": tag,
                               "categories": NewsCategory.choices,
                               "category_label": dict(NewsCategory.choices).get(category, "")},
        )

    @path("rss/", name="rss")
    def rss(self, request):
        return NewsFeed(self.news(), page=self)(request)

    @path("atom/", name="atom")
    def atom(self, request):
        return AtomNewsFeed(self.news(), page=self)(request)


class NewsCategory(models.TextChoices):
    POLITICS = "thoi-su", "Thời sự - Chính trị"
    ECONOMY = "kinh-te", "Kinh tế"
    SOCIETY = "van-hoa-xa-hoi", "Văn hóa - Xã hội"
    AGRICULTURE = "nong-nghiep", "Nông nghiệp - Nông thôn mới"
    SECURITY = "quoc-phong-an-ninh", "Quốc phòng - An ninh"
    ANNOUNCEMENT = "thong-bao", "Thông báo"
    EVENT = "su-kien", "Sự kiện"


class NewsPageTag(TaggedItemBase):
    content_object = ParentalKey("communes.NewsPage", on_delete=models.CASCADE, related_name="tagged_items")


class NewsPage(SitePageMixin, Page):
    date = models.DateField("ngày đăng", default=timezone.localdate)
    category = models.CharField("chuyên mục", max_length=32, choices=NewsCategory.choices, default=NewsCategory.POLITICS)
    tags = ClusterTaggableManager("từ khóa", through=NewsPageTag, blank=True)
    image = models.ForeignKey(
        "wagtailimages.Image", verbose_name="ảnh đại diện", null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )
    image_alt = models.CharField(
        "văn bản thay thế của ảnh", max_length=250, blank=True,
        help_text="Mô tả nội dung ảnh cho người khiếm thị, ví dụ: Cán bộ xã lắp cụm loa tại nhà văn hóa thôn.",
    )
    intro = models.TextField("tóm tắt", max_length=500, blank=True)
    body = StreamField(BodyBlock(), verbose_name="nội dung", blank=True)
    promote_to_portal = models.BooleanField(
        "đưa lên cổng thông tin", default=False,
        help_text="Tin được đưa lên trang chủ cổng thông tin của huyện/tỉnh.",
    )

    parent_page_types = ["communes.NewsIndexPage"]
    subpage_types = []
    content_panels = Page.content_panels + [
        FieldRowPanel([FieldPanel("date"), FieldPanel("category")]),
        FieldPanel("tags"),
        FieldPanel("image"),
        FieldPanel("image_alt"),
        FieldPanel("intro"),
        FieldPanel("body"),
        FieldPanel("promote_to_portal"),
    ]
    search_fields = Page.search_fields + [
        index.SearchField("intro"),
        index.SearchField("body"),
        index.FilterField("date"),
        index.FilterField("category"),
    ]

    class Meta:
        verbose_name = "tin tức"
        verbose_name_plural = "tin tức"

    @classmethod
    def serving_queryset(cls):
        return with_card_images(super().serving_queryset())

    @classmethod
    def editor_errors(cls, data):
        """The editor must describe the lead image (`SitePageForm.clean`)."""
        if data.get("image") and not (data.get("image_alt") or "").strip():
            return {"image_alt": "Hãy nhập văn bản thay thế mô tả ảnh đại diện (cho người khiếm thị)."}
        return {}

    @property
    def image_alt_text(self):
        """The lead image's alt text: the editor's, else the image's own description (pages from before)."""
        return self.image_alt or (self.image.description if self.image else "")


class DocumentType(models.TextChoices):
    LAW = "luat", "Luật"
    DECREE = "nghi-dinh", "Nghị định"
    CIRCULAR = "thong-tu", "Thông tư"
    RESOLUTION = "nghi-quyet", "Nghị quyết"
    DECISION = "quyet-dinh", "Quyết định"
    DIRECTIVE = "chi-thi", "Chỉ thị"
    PLAN = "ke-hoach", "Kế hoạch"
    OFFICIAL_LETTER = "cong-van", "Công văn"
    NOTICE = "thong-bao", "Thông báo"
    REPORT = "bao-cao", "Báo cáo"
    GUIDANCE = "huong-dan", "Hướng dẫn"
    OTHER = "khac", "Khác"


class DocumentStatus(models.TextChoices):
    IN_FORCE = "con-hieu-luc", "Còn hiệu lực"
    NOT_YET = "chua-hieu-luc", "Chưa có hiệu lực"
    PARTLY_EXPIRED = "het-hieu-luc-mot-phan", "Hết hiệu lực một phần"
    EXPIRED = "het-hieu-luc", "Hết hiệu lực"


class DocumentField(models.TextChoices):
    ADMINISTRATION = "hanh-chinh", "Hành chính"
    INFORMATION = "thong-tin-truyen-thong", "Thông tin - Truyền thông"
    LAND = "dat-dai", "Đất đai - Tài nguyên môi trường"
    AGRICULTURE = "nong-nghiep", "Nông nghiệp"
    HEALTH = "y-te", "Y tế"
    EDUCATION = "giao-duc", "Giáo dục"
    SOCIAL = "lao-dong-xa-hoi", "Lao động - Xã hội"
    FINANCE = "tai-chinh", "Tài chính - Ngân sách"
    SECURITY = "quoc-phong-an-ninh", "Quốc phòng - An ninh"
    CULTURE = "van-hoa", "Văn hóa - Thể thao - Du lịch"
    OTHER = "khac", "Khác"


class DocumentIndexPage(SitePageMixin, RoutablePageMixin, Page):
    """Văn bản with its lookup (tra cứu): filters by type, issuing body, field, year and status."""

    intro = models.TextField("giới thiệu", blank=True, max_length=600)

    parent_page_types = ["communes.CommuneHomePage", "home.PortalHomePage"]
    subpage_types = ["communes.LegalDocumentPage"]
    max_count_per_parent = 1
    content_panels = Page.content_panels + [FieldPanel("intro")]

    class Meta:
        verbose_name = "văn bản"
        verbose_name_plural = "văn bản"

    def documents(self):
        return public_pages(LegalDocumentPage.objects.live().child_of(self)).order_by("-issue_date", "-pk")

    @path("", name="index")
    def index(self, request):
        from communes.lookup import document_lookup  # the page's own view

        return self.render(request, context_overrides=document_lookup(request, self.documents()))


class LegalDocumentPage(SitePageMixin, Page):
    document_type = models.CharField("hình thức văn bản", max_length=32, choices=DocumentType.choices)
    number = models.CharField("số ký hiệu", max_length=64, help_text="Ví dụ: 1381/QĐ-BTTTT")
    number_key = models.CharField(max_length=64, editable=False, db_index=True)
    issuing_body = models.CharField("cơ quan ban hành", max_length=200)
    signer = models.CharField("người ký", max_length=120, blank=True)
    issue_date = models.DateField("ngày ban hành")
    effective_date = models.DateField("ngày có hiệu lực", null=True, blank=True)
    expiry_date = models.DateField("ngày hết hiệu lực", null=True, blank=True)
    status = models.CharField("tình trạng hiệu lực", max_length=32, choices=DocumentStatus.choices,
                              default=DocumentStatus.IN_FORCE)
    field = models.CharField("lĩnh vực", max_length=32, choices=DocumentField.choices, default=DocumentField.ADMINISTRATION)
    summary = models.TextField("trích yếu", max_length=2000)
    body = StreamField(BodyBlock(), verbose_name="nội dung", blank=True)

    parent_page_types = ["communes.DocumentIndexPage"]
    subpage_types = []
    content_panels = Page.content_panels + [
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("document_type"), FieldPanel("number")]),
                FieldRowPanel([FieldPanel("issuing_body"), FieldPanel("signer")]),
                FieldRowPanel([FieldPanel("issue_date"), FieldPanel("effective_date"), FieldPanel("expiry_date")]),
                FieldRowPanel([FieldPanel("status"), FieldPanel("field")]),
            ],
            heading="Thuộc tính văn bản",
        ),
        FieldPanel("summary"),
        FieldPanel("body"),
        InlinePanel("attachments", heading="Tệp văn bản", label="Tệp", min_num=0),
    ]
    search_fields = Page.search_fields + [
        index.SearchField("number"),
        index.SearchField("summary"),
        index.SearchField("issuing_body"),
        index.SearchField("signer"),
        index.FilterField("number_key"),
        index.FilterField("document_type"),
        index.FilterField("issue_date"),
        index.FilterField("status"),
        index.FilterField("field"),
    ]

    class Meta:
        verbose_name = "văn bản pháp quy"
        verbose_name_plural = "văn bản pháp quy"

    def attachment_list(self):
        return self.attachments.select_related("document")

    def save(self, *args, **kwargs):
        self.number_key = document_number_key(self.number)
        return super().save(*args, **kwargs)

    def full_clean(self, *args, **kwargs):
        self.number_key = document_number_key(self.number)
        return super().full_clean(*args, **kwargs)


class DocumentAttachment(Orderable):
    page = ParentalKey(LegalDocumentPage, on_delete=models.CASCADE, related_name="attachments")
    document = models.ForeignKey("wagtaildocs.Document", verbose_name="tệp", on_delete=models.CASCADE, related_name="+")
    title = models.CharField("mô tả", max_length=200, blank=True)

    panels = [FieldPanel("document"), FieldPanel("title")]


class StandardPage(SitePageMixin, Page):
    intro = models.TextField("tóm tắt", blank=True, max_length=600)
    body = StreamField(BodyBlock(), verbose_name="nội dung", blank=True)

    parent_page_types = ["communes.CommuneHomePage", "home.PortalHomePage", "communes.StandardPage"]
    subpage_types = ["communes.StandardPage"]
    content_panels = Page.content_panels + [FieldPanel("intro"), FieldPanel("body")]
    search_fields = Page.search_fields + [index.SearchField("intro"), index.SearchField("body")]

    class Meta:
        verbose_name = "trang thông tin"
        verbose_name_plural = "trang thông tin"
