from languages import registry


class LanguageRegistryMiddleware:
    """Keeps this process's languages in step with the registry (a read every few seconds at most),
    before `LocaleMiddleware` picks the request's language from its URL."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        registry.current()
        return self.get_response(request)
