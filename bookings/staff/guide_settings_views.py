"""A guide's own settings: whether to be e-mailed about their bookings."""

from django import forms
from django.contrib import messages
from django.contrib.admin.views.decorators import staff_member_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

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
