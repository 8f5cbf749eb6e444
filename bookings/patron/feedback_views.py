"""The patron's feedback form after a visit: one page, no account, no JavaScript."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.views.decorators.http import require_GET, require_http_methods

from bookings import abuse, feedback
from bookings.patron.forms import FeedbackForm

# Each reason the form cannot be answered, and its answer: a friendly page, never an error.
CLOSED_STATUS = {feedback.ANSWERED: 200, feedback.EXPIRED: 410, feedback.NOT_OPEN: 404}


@require_http_methods(["GET", "POST"])
def feedback_form(request: HttpRequest, token: str) -> HttpResponse:
    now = timezone.now()
    invitation = feedback.invitation_for(token)
    if reason := feedback.why_closed(invitation, now=now):
        return _closed(request, reason)
    form = FeedbackForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if abuse.over_limit(request, "feedback"):
            return abuse.too_many_requests(request, invitation.booking.library)
        try:
            feedback.feedback_answer(
                invitation=invitation,
                ratings=form.ratings(),
                comment=form.cleaned_data["comment"],
                now=now,
            )
        except feedback.FeedbackClosed as closed:
            return _closed(request, closed.reason)
        return redirect("bookings:feedback_thanks")
    response = render(request, "bookings/feedback.html", {"form": form})
    add_never_cache_headers(response)  # the link is the patron's own
    return response


def _closed(request: HttpRequest, reason: str) -> HttpResponse:
    # A link that leads nowhere counts as a miss, as other private links' misses do.
    if reason == feedback.NOT_OPEN and abuse.over_limit(request, "private_link"):
        return abuse.too_many_requests(request)
    context = {"reason": reason}
    return render(request, "bookings/feedback_closed.html", context, status=CLOSED_STATUS[reason])


@require_GET
def feedback_thanks(request: HttpRequest) -> HttpResponse:
    return render(request, "bookings/feedback_thanks.html")
