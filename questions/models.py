"""Online Q&A between citizens and their commune (hỏi đáp trực tuyến, phản ánh kiến nghị)."""

from django.db import models
from wagtail.admin.panels import FieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin
from wagtail.models import Page

from sites.pages import SitePageMixin


class QuestionIndexPage(SitePageMixin, RoutablePageMixin, Page):
    intro = models.TextField("giới thiệu", blank=True, max_length=600)

    parent_page_types = ["communes.CommuneHomePage"]
    subpage_types = []
    max_count_per_parent = 1
    content_panels = Page.content_panels + [FieldPanel("intro")]

    class Meta:
        verbose_name = "hỏi đáp trực tuyến"
        verbose_name_plural = "hỏi đáp trực tuyến"
