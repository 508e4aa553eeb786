"""The guide's two admin screens: the list of topics and one topic with its steps and screenshots."""

from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.http import Http404
from django.template.response import TemplateResponse

from guide.topics import SCREENSHOT_DIR, TOPICS, TOPICS_BY_SLUG


def screenshot_exists(name):
    """In the app's static files (development, tests) or among the collected ones (production)."""
    path = f"{SCREENSHOT_DIR}/{name}"
    if finders.find(path):
        return True
    try:
        return staticfiles_storage.exists(path)
    except Exception:  # noqa: BLE001 - a storage that cannot answer means no picture, never a 500
        return False


def guide_index(request):
    return TemplateResponse(request, "guide/index.html", {"topics": TOPICS})


def guide_topic(request, topic):
    topic = TOPICS_BY_SLUG.get(topic)
    if topic is None:
        raise Http404("Không có trang hướng dẫn này.")
    steps = [
        {"step": step, "screenshot": f"{SCREENSHOT_DIR}/{step.screenshot}" if step.screenshot else "",
         "missing": bool(step.screenshot) and not screenshot_exists(step.screenshot)}
        for step in topic.steps
    ]
    return TemplateResponse(request, "guide/topic.html", {"topic": topic, "steps": steps, "topics": TOPICS})
