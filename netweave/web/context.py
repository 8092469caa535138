from typing import Any

from django.http import HttpRequest


def navigation(request: HttpRequest) -> dict[str, Any]:
    """The viewer's role, for the menu. Access itself is decided in core.scope, not here."""
    scope = getattr(request, "scope", None)
    role = scope.role if scope is not None else "anonymous"
    return {"role": role, "scope": scope}
