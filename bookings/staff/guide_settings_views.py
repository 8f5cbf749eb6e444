"""A guide's own settings: whether to be e-mailed about their bookings, and their calendar
subscription (bookings/calendar_feed.py)."""

from django import forms
from django.contrib import messages
from django.contrib.admin.views.decorators import staff_member_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from bookings import calendar_feed
from bookings.models import Guide


class GuideSettingsForm(forms.ModelForm):
    class Meta:
        model = Guide
        fields = ["notify_by_email"]


@staff_member_required
def my_settings(request: HttpRequest) -> HttpResponse:
    guide = Guide.objects.filter(user=request.user).first()
    data = request.POST if request.method == "POST" else None
    form = GuideSettingsForm(data, instance=guide) if guide else None
    if form is not None and request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Your settings are saved."))
        return redirect("staff:my_settings")
    return render(request, "staff/my_settings.html", {"guide": guide, "form": form})


@staff_member_required
@require_POST
def my_calendar_feed(request: HttpRequest) -> HttpResponse:
    """Make (or replace) the guide's calendar subscription address, shown in this answer only
    (like a password: only its hash is kept), or revoke it."""
    guide = get_object_or_404(Guide, user=request.user)
    if request.POST.get("action") == "revoke":
        calendar_feed.calendar_feed_revoke(guide=guide)
        messages.success(request, _("Your calendar subscription is stopped."))
        return redirect("staff:my_settings")
    token = calendar_feed.calendar_feed_create(guide=guide, now=timezone.now())
    address = calendar_feed.feed_address(token)
    context = {
        "guide": guide,
        "form": GuideSettingsForm(instance=guide),
        "feed_address": address,
        "feed_webcal": calendar_feed.webcal_address(address),
    }
    return render(request, "staff/my_settings.html", context)
