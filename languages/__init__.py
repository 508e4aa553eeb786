"""Languages of content: the registry of ethnic-minority languages and which sites publish in them.

Vietnamese (the source) and English (Nghị định 42/2022) are built in (cms/settings.py). Every other
language is a row of `Language`, kept by portal staff in the admin, and a site publishes in it once a
`SiteLanguage` row enables it there. `languages.registry` makes the rows real languages of Django
and Wagtail in every process, within seconds and without a restart; `languages.services` enables a
language on a site (its locale and the home page its translations hang from).
"""
