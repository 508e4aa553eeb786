"""Moderation emails go to those who act on the submission: the commune's own approvers.

Wagtail would also mail every superuser and every member of the portal staff group (which sits on
each commune's approval task so the district can step in): at 3,321 communes, a flood.
"""

import pytest
from django.contrib.auth.models import User
from django.core import mail

from communes.models import NewsIndexPage, NewsPage


@pytest.fixture
def superuser(db):
    return User.objects.create_superuser("admin", "admin@example.vn", "matkhau-thu-nghiem")


def submit_news(site, editor, title="Thông báo lịch tiếp công dân tháng 12"):
    index = NewsIndexPage.objects.child_of(site.home).get()
    news = index.add_child(instance=NewsPage(title=title, slug="lich-tiep-cong-dan", live=False))
    news.save_revision(user=editor)
    mail.outbox.clear()
    site.workflow.start(news, editor)
    return news


def recipients():
    return sorted(address for message in mail.outbox for address in message.to)


def test_a_submission_is_mailed_to_the_communes_approvers_only(district, superuser):
    second_approver = User.objects.create_user("duyet2_dakla", "duyet2_dakla@example.vn", "x")
    second_approver.groups.add(district.a.approvers)
    submit_news(district.a, district.editor_a)
    assert recipients() == ["duyet2_dakla@example.vn", "duyet_dakla@example.vn"]
    assert all("Thông báo lịch tiếp công dân tháng 12" in message.subject for message in mail.outbox)


def test_neither_superusers_nor_portal_staff_nor_other_communes_hear_of_it(district, superuser):
    submit_news(district.a, district.editor_a)
    sent_to = recipients()
    for bystander in [superuser, district.district_admin, district.approver_b, district.editor_b, district.editor_a]:
        assert bystander.email not in sent_to


def test_commune_b_submissions_go_to_commune_bs_approvers(district, superuser):
    submit_news(district.b, district.editor_b)
    assert recipients() == ["duyet_hamon@example.vn"]


def test_when_a_commune_has_no_approver_to_tell_the_portal_staff_are_told(district, superuser):
    """A vacancy must not leave a submission waiting unseen: the district can approve it."""
    district.approver_a.email = ""
    district.approver_a.save()
    submit_news(district.a, district.editor_a)
    assert recipients() == ["quantri@example.vn"]


def test_an_approver_who_turned_submission_emails_off_is_not_replaced_by_the_portal_staff(district, superuser):
    from wagtail.users.models import UserProfile

    profile = UserProfile.get_for_user(district.approver_a)
    profile.submitted_notifications = False
    profile.save()
    submit_news(district.a, district.editor_a)
    assert recipients() == []
