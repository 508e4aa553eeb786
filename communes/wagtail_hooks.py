"""The admin's home for portal staff: the sites still lacking their organisation page in English."""

from wagtail import hooks
from wagtail.admin.ui.components import Component

from communes.english import organisation_pages_without_english
from sites.tenancy import user_is_portal_staff


class MissingEnglishPagesPanel(Component):
    """"Trang cơ cấu tổ chức chưa có bản tiếng Anh": the list of `manage.py check_english_pages`, for the
    portal's staff, who see every commune (commune staff never get it: it names other communes)."""

    name = "missing_english_pages"
    template_name = "communes/admin/dashboard_english_pages.html"
    order = 200

    def get_context_data(self, parent_context=None):
        return {"missing": organisation_pages_without_english()}


@hooks.register("construct_homepage_panels")
def add_missing_english_pages_panel(request, panels):
    if user_is_portal_staff(request.user):
        panels.append(MissingEnglishPagesPanel())
