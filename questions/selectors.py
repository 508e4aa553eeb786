"""Reads: what the public may see, and what an admin user may work on."""

from core.folding import fold
from questions.models import Question, QuestionIndexPage
from sites.tenancy import communes_for_user

PUBLIC_DEFERRED = ("original_title", "original_text", "search_key", "attachment", "attachment_name", "state_reason")


def public_questions(communes):
    """Published questions of these communes, newest first, without loading any sender's text."""
    return (
        Question.objects.published().filter(commune__in=[c.pk for c in communes])
        .defer(*PUBLIC_DEFERRED).order_by("-published_at", "-pk")
    )


def filter_public_questions(queryset, *, words="", field="", kind="", commune_id=None):
    """Keyword (diacritics folded, every word must appear), field, kind and commune filters."""
    for word in fold(words).split()[:10]:
        queryset = queryset.filter(search_key__contains=word)
    if field:
        queryset = queryset.filter(field=field)
    if kind:
        queryset = queryset.filter(kind=kind)
    if commune_id:
        queryset = queryset.filter(commune_id=commune_id)
    return queryset


def index_urls(communes, request=None):
    """{commune id: URL of its Q&A page} in one query, so listings need no query per row."""
    return {commune_id: page.get_url(request) for commune_id, page in QuestionIndexPage.for_communes(communes).items()}


def questions_for_user(user):
    """Every question of the communes this user works for; the base of every admin listing and view."""
    return Question.objects.filter(commune__in=communes_for_user(user))
