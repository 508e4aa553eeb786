"""The admin's "Công việc định kỳ" screen (Settings menu), for portal staff only: every periodic job,
its schedule, last run and outcome, with failed and late jobs highlighted."""

from django.shortcuts import render
from django.urls import path, reverse
from django.utils import timezone
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from ops.jobs import all_jobs
from ops.models import JobRun, SchedulerLease
from ops.scheduler import LEASE_NAME
from ops.status import job_statuses
from sites.scoping import portal_staff_view
from sites.tenancy import user_is_portal_staff

RECENT_RUNS = 30


@portal_staff_view
def jobs_view(request):
    now = timezone.now()
    statuses = job_statuses(now)
    lease = SchedulerLease.objects.filter(name=LEASE_NAME).first()
    disabled = [job for name, job in all_jobs().items() if name not in {s.job.name for s in statuses}]
    return render(request, "ops/jobs.html", {
        "statuses": statuses,
        "problems": [s for s in statuses if s.is_problem],
        "disabled": disabled,
        "lease": lease,
        "scheduler_alive": bool(lease and lease.expires_at > now),
        "recent": JobRun.objects.order_by("-started", "-pk")[:RECENT_RUNS],
        "header_icon": "time",
        "page_title": "Công việc định kỳ",
    })


@hooks.register("register_admin_urls")
def register_jobs_url():
    return [path("van-hanh/cong-viec-dinh-ky/", jobs_view, name="ops_jobs")]


class JobsMenuItem(MenuItem):
    def is_shown(self, request):
        return user_is_portal_staff(request.user)


@hooks.register("register_settings_menu_item")
def register_jobs_menu_item():
    return JobsMenuItem("Công việc định kỳ", reverse("ops_jobs"), icon_name="time", order=900)
