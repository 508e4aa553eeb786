"""Moderation emails reach the people who act on a commune's submissions: that commune's approvers.

Wagtail emails every member of the task's groups (and, by default, every superuser). A commune's
approval task holds both its approvers' group and the portal staff group (so the district can step
in), which at a province's size means every submission from 3,321 communes lands in the province
staff's inbox. The notifier below keeps the group members who are not portal staff; when a commune
has no one who can be told (no active approver with an email address), the portal staff are told
instead, so a submission never waits unseen. An approver who turned submission emails off in their
account has chosen to watch the dashboard; that does not bring in the portal staff.
"""

from wagtail.admin.mail import GroupApprovalTaskStateSubmissionEmailNotifier
from wagtail.models import TaskState
from wagtail.signals import task_submitted

from sites.tenancy import portal_staff_users

# Wagtail's own registration (wagtail.admin.signal_handlers) under this key. A signal keeps one
# receiver per (key, sender): taking the key over works whichever app's ready() runs first.
WAGTAIL_DISPATCH_UID = "group_approval_task_submitted_email_notification"


class CommuneApproversSubmissionNotifier(GroupApprovalTaskStateSubmissionEmailNotifier):
    def get_valid_recipients(self, instance, **kwargs):
        recipients = super().get_valid_recipients(instance, **kwargs)  # honours each user's preferences
        portal_staff = set(portal_staff_users().values_list("pk", flat=True))
        commune_staff = {
            user
            for user in self.get_recipient_users(instance, **kwargs)
            if user.is_active and user.email and user.pk not in portal_staff
        }
        if not commune_staff:
            return recipients  # no one in the commune can be reached: the portal staff on the task step in
        return recipients & commune_staff


task_submission_notifier = CommuneApproversSubmissionNotifier()


def connect():
    task_submitted.disconnect(sender=TaskState, dispatch_uid=WAGTAIL_DISPATCH_UID)
    task_submitted.connect(task_submission_notifier, sender=TaskState, dispatch_uid=WAGTAIL_DISPATCH_UID)

