"""Temporary placeholder used while a view module is being written. Remove when none use it."""

from django.http import HttpRequest, HttpResponse


def stub(request: HttpRequest, **kwargs: object) -> HttpResponse:
    return HttpResponse("not yet")
