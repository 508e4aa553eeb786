"""The isolation matrix over every admin URL: commune A's editor and approver, pointed at commune B's
objects through each URL pattern Wagtail, wagtail-localize and our apps register, are refused and
read none of B's titles, and nothing of B changes.

The patterns come from Django's URL resolver, not from a list: a new app's screens are requested as
soon as they are registered, and a pattern the matrix cannot fill fails
`test_every_admin_url_is_requested_by_the_matrix_or_exempt_with_a_reason` until tests/sites/url_matrix.py
is taught to fill it or exempts it with a reason. Run with `-s` for the counts.

The world (both communes' pages, media, workflow, translations, questions, search data…) is built once
for the module, inside a transaction rolled back at the end; each test runs in a savepoint of it.
"""

from collections import Counter
from datetime import date

import pytest
from django.contrib.auth.models import Group
from django.db import transaction
from wagtail.models import PageLogEntry

from languages.models import SiteLanguage
from tests import conftest
from tests.conftest import client_for
from tests.sites import url_matrix as m
from tests.sites.test_admin_tenancy import _commune_content

ROLES = ("editor_a", "approver_a", "translator_a")
# Below this many patterns answering 200 for commune A's own objects, the matrix no longer proves it
# reaches real views (a broken world, a sign-in that no longer holds, a middleware refusing everything).
# It reaches 129 of 212 today (the others are district-wide screens, POST-only actions, views of a kind
# the commune has none of, such as form submissions).
MIN_OWN_PATTERNS_REACHED = 50


def build_world():
    # The conftest's `district` (portal, communes A and B, their staff), built once for the module.
    world = conftest.district.__wrapped__(db=None)
    a, b = world.a, world.b
    content_a = _commune_content(a, world.editor_a, world.approver_a, "Đắk La")
    content_b = _commune_content(b, world.editor_b, world.approver_b, "Hà Mòn")
    world.side_a = m.build_side(a, content_a, world.editor_a, world.approver_a, "Đắk La", date(2025, 3, 10))
    world.side_b = m.build_side(b, content_b, world.editor_b, world.approver_b, "Hà Mòn", date(2025, 3, 11))
    # Both communes publish in Gia Rai (`build_side`): A's translator works for A and reaches nothing of B.
    world.translator_a = conftest.make_user("giarai_dakla", SiteLanguage.objects.get(commune=a).translators)
    cases = m.all_cases()
    world.side_a.fill_every_kind(cases)
    world.side_b.fill_every_kind(cases)
    return world


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            yield build_world()
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@pytest.fixture
def fast_templates(monkeypatch):
    """Render templates without the test runner's instrumentation, which copies every template's
    context for `response.context`: a fifth of the matrix's time, and the matrix reads only text."""
    from django.template.base import Template

    monkeypatch.setattr(Template, "_render", lambda self, context: self.nodelist.render(context))


def tally(planned):
    counts = Counter()
    for cases in planned.values():
        if isinstance(cases, m.Exemption):
            counts["exempt with a reason"] += 1
        elif isinstance(cases, m.Unclassified):
            counts["unclassified"] += 1
        elif any(case.names_objects and not case.probe for case in cases):
            counts["covered with B's objects"] += 1
        else:
            counts["covered without an object"] += 1
    counts["concrete URLs"] = sum(len(c) for c in planned.values() if isinstance(c, list))
    return counts


def test_every_admin_url_is_requested_by_the_matrix_or_exempt_with_a_reason():
    planned = m.plans()
    counts = tally(planned)
    print(f"\nadmin URL patterns found: {len(planned)}; " + "; ".join(f"{k}: {v}" for k, v in sorted(counts.items())))
    for pattern, cases in planned.items():
        if isinstance(cases, m.Exemption):
            print(f"  exempt: {pattern}: {cases.reason}")
    unclassified = [str(error) for error in planned.values() if isinstance(error, m.Unclassified)]
    assert unclassified == [], "teach tests/sites/url_matrix.py to fill these, or exempt them with a reason"
    assert len(planned) > 200  # Wagtail's admin alone registers more: the walk went everywhere
    assert sorted(set(m.EXEMPT) - {pattern.key for pattern in planned}) == [], "exempt patterns that are gone"
    named = {pattern.name for pattern in planned}
    assert sorted((set(m.SPECIAL_CASES) | set(m.QUERY_OBJECTS)) - named) == [], "special patterns that are gone"
    stale = [key for key, exemption in m.EXEMPT.items() if exemption.still_holds and not exemption.still_holds()]
    assert stale == [], "exemptions whose reason no longer holds: cover these patterns now"
    for case in (c for cases in planned.values() if isinstance(cases, list) for c in cases):
        assert case.pattern.kwargs == tuple(case.kwargs), case


def request(client, method, url):
    """One request in a savepoint, so that a view's database error cannot poison the ones after it."""
    try:
        with transaction.atomic():
            return getattr(client, method)(url), None
    except Exception as error:  # noqa: BLE001 - a crash is a finding, reported with its URL
        return None, f"raised {type(error).__name__}: {str(error)[:200]}"


def signed_out_symptom(response):
    return response.status_code in (401, 403) or (
        response.status_code == 302 and response["Location"].startswith(m.admin_prefix() + "login/")
    )


def still_signed_in(client, user):
    return str(client.session.get("_auth_user_id")) == str(user.pk)


def run_matrix(world, role, cases):
    """Request every case as `role` with B's objects (A's where a case says so); returns the failures,
    the requests that were answered 200/400 although they name B's objects, and the request count."""
    user = getattr(world, role)
    client = client_for(user)
    target, own = world.side_b, world.side_a
    failures, not_refused, count = [], [], 0
    for case in cases:
        # Patterns without an object: the editor asks plainly, the approver with the probe's query (a
        # search, B's ids and commune), so that each role requests every URL and both variants run.
        if (case.listing and role == "approver_a") or (case.probe and role == "editor_a"):
            continue
        url = case.url(target, own)
        case.check_resolves_to_its_pattern(url)
        for method in case.methods:
            response, problem = request(client, method, url)
            count += 1
            if problem is None:
                problem = m.judge(client, response, target.forbidden(case.pattern), case.names_objects)
            if problem:
                failures.append(f"{method.upper()} {url} ({case}): {problem}")
            elif case.names_objects and not case.probe and response.status_code in (200, 400):
                not_refused.append(f"{response.status_code} {method.upper()} {url} ({case})")
            # A request that signed the user out would turn every later one into a login redirect.
            if response is not None and signed_out_symptom(response) and not still_signed_in(client, user):
                pytest.fail(f"{method.upper()} {url} signed {user} out: the rest of the matrix would prove nothing")
    assert still_signed_in(client, user), f"{user} was signed out during the matrix: its refusals prove nothing"
    return failures, not_refused, count


def check_b_untouched(world, role, cases):
    target = world.side_b
    before = m.snapshot(target), m.secrets_everywhere(target.secrets)
    failures, not_refused, count = run_matrix(world, role, cases)
    after = m.snapshot(target), m.secrets_everywhere(target.secrets)
    changed = m.differences(before[0], after[0])
    if before[1] != after[1]:
        changed["rows carrying B's titles anywhere"] = (before[1], after[1])
    return failures, not_refused, count, changed


@pytest.mark.parametrize("role", ROLES)
def test_commune_staff_are_refused_every_admin_url_naming_another_communes_objects(world, db, fast_templates, role):
    failures, not_refused, count, changed = check_b_untouched(world, role, m.all_cases())
    print(f"\n{role}: {count} requests, {len(failures)} failures; {len(not_refused)} requests naming B's objects "
          "were answered 200/400 (not refused) but showed and changed nothing of B:")
    for line in not_refused:
        print(f"  {line}")
    for line in failures:
        print(f"  FAILED: {line}")
    assert (failures, changed) == ([], {})


def test_commune_staff_reach_their_own_objects_through_the_same_urls(world, db, fast_templates):
    """The other half: the same URLs with commune A's objects answer A's staff for a good share of
    patterns, so the refusals above come from tenancy, not from URLs that reach nothing."""
    target = world.side_a
    cases = [case for case in m.all_cases() if case.names_objects and not case.probe]
    reached = set()
    for role in ("approver_a", "editor_a"):
        client = client_for(getattr(world, role))
        asked = set()
        for case in cases:
            url = case.url(target, target)
            if case.pattern in reached or url in asked:
                continue
            asked.add(url)
            response, _ = request(client, "get", url)
            if response is not None and response.status_code == 200:
                reached.add(case.pattern)
    patterns = {case.pattern for case in cases}
    not_reached = sorted(str(p) for p in patterns - reached)
    print(f"\npatterns with an object answering 200 for commune A's own objects: {len(reached)} of {len(patterns)}; "
          f"not reached ({len(not_reached)}: district-wide screens, POST-only actions, A's own refusals):")
    for line in not_reached:
        print(f"  {line}")
    assert len(reached) >= MIN_OWN_PATTERNS_REACHED


def _view(**attributes):
    def view(request):
        return None

    view.__dict__.update(attributes)
    return view


def test_a_new_admin_url_with_an_argument_the_matrix_cannot_fill_is_unclassified():
    pattern = m.AdminPattern("bang-tin/<int:widget_id>/", "broadcasts_widget:edit", _view(), ("widget_id",))
    with pytest.raises(m.Unclassified, match="widget_id"):
        m.plan(pattern)
    # A pk of a model that is neither known to the matrix nor keyed to a commune.
    unknown = m.AdminPattern("nhat-ky/<int:pk>/", "logs:edit", _view(model=PageLogEntry), ("pk",))
    with pytest.raises(m.Unclassified, match="PageLogEntry"):
        m.plan(unknown)
    known = m.AdminPattern("nhom/<int:pk>/", "teams:edit", _view(model=Group), ("pk",))
    assert m.plan(known)[0].kwargs["pk"].kind == "group"


def test_a_new_screen_of_a_commune_owned_model_is_requested_without_being_listed():
    from questions.models import Holiday, Question

    edit = m.AdminPattern("ngay-nghi/<int:pk>/", "holidays_new:edit", _view(view_initkwargs={"model": Holiday}), ("pk",))
    cases = m.plan(edit)
    assert cases[0].kwargs["pk"].kind == "model:questions.holiday" and cases[0].methods == ("get", "post")
    listing = m.AdminPattern("ngay-nghi/", "holidays_new:index", _view(view_initkwargs={"model": Holiday}), ())
    plain, probe = m.plan(listing)
    assert plain.listing and probe.probe and probe.query["id"].kind == "model:questions.holiday"
    # A second object named `<model>_pk`, after a commune-owned model of the view's app.
    nested = m.AdminPattern("cau-hoi/<int:pk>/ngay/<int:holiday_pk>/", "questions_new:holiday",
                            _view(view_initkwargs={"model": Question}), ("pk", "holiday_pk"))
    cases = m.plan(nested)
    assert cases[0].kwargs["holiday_pk"].kind == "model:questions.holiday"
    assert len(cases) == 3  # both B's, then each of the two B's with the other the user's own
