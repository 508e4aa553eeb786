"""Collects, in a Playwright page, what the browser says about the security headers: Content Security
Policy violations (the DOM's `securitypolicyviolation` events and the console's reports) and
Permissions-Policy header errors. Used by the browser tests of the public site and of the admin."""

RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__cspViolations.push(e.violatedDirective + " blocked " + (e.blockedURI || "inline") +
    " at " + e.sourceFile + ":" + e.lineNumber);
});
"""

CONSOLE_WORDS = ("Content Security Policy", "Content-Security-Policy", "Permissions-Policy", "Permissions policy")


class SecurityWatch:
    def __init__(self, page):
        self.page = page
        self.console = []
        page.add_init_script(RECORD_VIOLATIONS)
        page.on("console", self._on_console)

    def _on_console(self, message):
        if any(word in message.text for word in CONSOLE_WORDS):
            self.console.append(f"{message.type}: {message.text}")

    def problems(self):
        """Everything reported so far on the current document and, for the console, on every document."""
        try:
            in_page = self.page.evaluate("window.__cspViolations || []")
        except Exception:  # noqa: BLE001 - a page mid-navigation has no window to ask
            in_page = []
        return list(in_page) + list(self.console)
