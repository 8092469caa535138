"""One error format for every error the API answers (docs/api.md):

    {"code": "not_found", "message": "Not found.", "fields": {"name": ["This field is required."]}}

`code` is stable and meant for programs; `message` is for people (translated); `fields` names
the inputs that were refused, each with its messages (empty when no one input is at fault).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError


class ErrorOut(Schema):
    code: str
    message: str
    fields: dict[str, list[str]] = {}


class ApiError(Exception):
    """Raised by the API's own layers (auth, idempotency, rate limits, pagination)."""

    def __init__(self, status: int, code: str, message: str,
                 fields: dict[str, list[str]] | None = None,
                 headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message
        self.fields = fields or {}
        self.headers = headers or {}


ERRORS_ON_EVERY_OPERATION = {
    "401": "Missing, unknown, expired or revoked token (or no signed-in session).",
    "403": "Not allowed: a read-only token writing, or a rule of who may do what.",
    "404": "No such row, or one the caller may not see.",
    "422": "Input refused; `fields` says which and why.",
    "429": "Too many requests; Retry-After says how many seconds to wait.",
}
ERRORS_ON_CREATES = {"409": "This Idempotency-Key was used for a different request."}
ERRORS_ON_BODIES = {"400": "The body is not JSON."}


def document(schema: Any) -> None:
    """Add ErrorOut and the error answers to every operation of an OpenAPI schema."""
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    components["ErrorOut"] = ErrorOut.model_json_schema()
    ref = {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorOut"}}}}
    for operations in schema["paths"].values():
        for method, operation in operations.items():
            extra = dict(ERRORS_ON_EVERY_OPERATION)
            if method == "post":
                extra |= ERRORS_ON_CREATES
            if "requestBody" in operation:
                extra |= ERRORS_ON_BODIES
            for status, text in extra.items():
                answer: dict[str, Any] = {"description": text, **ref}
                if status == "429":
                    answer["headers"] = {"Retry-After": {"schema": {"type": "integer"}}}
                operation["responses"].setdefault(status, answer)


def error_response(api: NinjaAPI, request: HttpRequest, status: int, code: str, message: str,
                   fields: dict[str, list[str]] | None = None) -> HttpResponse:
    body = {"code": code, "message": str(message), "fields": fields or {}}
    return api.create_response(request, body, status=status)


def _loc_name(loc: Any) -> str:
    """ninja's location ("body", "payload", "name") as the input's name ("name")."""
    parts = [str(p) for p in loc if p not in ("body", "query", "path", "header", "payload")]
    return ".".join(parts) or "__all__"


def _django_fields(exc: Any) -> tuple[str, dict[str, list[str]]]:
    if hasattr(exc, "error_dict"):
        fields = {k: [str(m) for m in v] for k, v in exc.message_dict.items()}
        first = next(iter(fields.values()), [""])
        message = first[0] if len(fields) == 1 else _("Some values were refused.")
        return message, fields
    messages = [str(m) for m in exc.messages]
    return " ".join(messages), {}


def install(api: NinjaAPI) -> None:
    """Every exception the API can meet, answered in the one format."""

    def on_api_error(request: HttpRequest, exc: Any) -> HttpResponse:
        response = error_response(api, request, exc.status, exc.code, exc.message, exc.fields)
        for name, value in exc.headers.items():
            response[name] = value
        return response

    def on_validation(request: HttpRequest, exc: Any) -> HttpResponse:
        fields: dict[str, list[str]] = {}
        for err in exc.errors:
            fields.setdefault(_loc_name(err.get("loc", ())), []).append(str(err.get("msg", "")))
        return error_response(api, request, 422, "invalid", _("Some values were refused."),
                              fields)

    def on_django_validation(request: HttpRequest, exc: Any) -> HttpResponse:
        message, fields = _django_fields(exc)
        return error_response(api, request, 422, "invalid", message, fields)

    def on_unauthenticated(request: HttpRequest, exc: Any) -> HttpResponse:
        response = error_response(api, request, 401, "unauthenticated",
                                  _("Send a valid token: Authorization: Bearer <token>."))
        response["WWW-Authenticate"] = 'Bearer realm="netweave"'
        return response

    def on_denied(request: HttpRequest, exc: Any) -> HttpResponse:
        return error_response(api, request, 403, "forbidden",
                              str(exc) or _("You may not do this."))

    def on_not_found(request: HttpRequest, exc: Any) -> HttpResponse:
        return error_response(api, request, 404, "not_found", _("Not found."))

    def on_http_error(request: HttpRequest, exc: Any) -> HttpResponse:
        code = {400: "bad_request", 405: "method_not_allowed"}.get(exc.status_code, "error")
        return error_response(api, request, exc.status_code, code, str(exc))

    api.add_exception_handler(ApiError, on_api_error)
    api.add_exception_handler(NinjaValidationError, on_validation)
    api.add_exception_handler(DjangoValidationError, on_django_validation)
    api.add_exception_handler(AuthenticationError, on_unauthenticated)
    api.add_exception_handler(PermissionDenied, on_denied)
    api.add_exception_handler(Http404, on_not_found)
    api.add_exception_handler(ObjectDoesNotExist, on_not_found)
    api.add_exception_handler(HttpError, on_http_error)
