"""A person's message settings, and the "stop these messages" link in every message.

Thin views: parse with a form, call one access function and one service or selector, render.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from netweave.notify import services
from netweave.notify.access import access_notification_link
from netweave.notify.models import Reason
from netweave.notify.selectors import mutes_for, notifications_for
from netweave.web.forms.notify import MessageSettingsForm
from netweave.web.views.networks import attempt


@login_required
def notify_settings(request: HttpRequest) -> HttpResponse:
    wanted = [r for r in Reason.values if r not in mutes_for(request.user)]
    form = MessageSettingsForm(request.POST or None, initial={"wanted": wanted})
    if request.method == "POST" and form.is_valid():
        done = attempt(form, lambda: services.mutes_set(actor=request.user, muted=form.muted()))
        if done is not None:
            messages.success(request, _("Your message settings are saved."))
            return redirect("notify_settings")
    return render(request, "web/notify/settings.html", {
        "form": form, "sent": notifications_for(request.user),
    })


@require_http_methods(["GET", "POST"])
def notify_stop(request: HttpRequest, public_id: str) -> HttpResponse:
    """GET asks, POST stops: mail scanners open links, and must not unsubscribe anyone."""
    notification = access_notification_link(public_id)
    stopped = request.method == "POST"
    if stopped:
        services.notification_stop(actor=request.user, notification=notification)
    return render(request, "web/notify/stop.html", {
        "notification": notification, "stopped": stopped,
    })


urlpatterns = [
    path("notifications/", notify_settings, name="notify_settings"),
    path("notifications/stop/<str:public_id>/", notify_stop, name="notify_stop"),
]
