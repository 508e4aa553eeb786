"""What every public page knows about where it stands: its commune (if any) and its portal."""

from django.utils.functional import cached_property


class SitePageMixin:
    """Mixed into every page type. Gives templates `commune` and `portal` for header and footer."""

    @cached_property
    def commune(self):
        from communes.models import CommuneHomePage

        if isinstance(self, CommuneHomePage):
            return self
        return CommuneHomePage.objects.ancestor_of(self).first()

    @cached_property
    def portal(self):
        from home.models import PortalHomePage

        if isinstance(self, PortalHomePage):
            return self
        return PortalHomePage.objects.ancestor_of(self).first()

    @property
    def agency(self):
        """The identity shown in header and footer: the commune's, else the portal's."""
        return self.commune or self.portal

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["commune"] = self.commune
        context["portal"] = self.portal
        context["agency"] = self.agency
        return context
