"""A liveness check for load balancers, and the trivial page `make bench` compares others with."""

from django.http import HttpRequest, HttpResponse
from django.views.decorators.cache import never_cache


@never_cache
def healthz(request: HttpRequest) -> HttpResponse:
    """The process answers: no database, no template, no session."""
    return HttpResponse("ok", content_type="text/plain")
