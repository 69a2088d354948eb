"""One error shape for the whole API: ``{"error": code, "detail": sentence}`` with a 4xx status."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError


class ApiError(Exception):
    def __init__(self, status: int, error: str, detail: str) -> None:
        super().__init__(detail)
        self.status = status
        self.error = error
        self.detail = detail


def _describe(errors: list[dict]) -> str:
    parts = []
    for error in errors:
        location = [str(p) for p in error.get("loc", ()) if p not in ("query", "path", "body")]
        parts.append(f"{'.'.join(location) or 'Anfrage'}: {error.get('msg', 'ungültig')}")
    return "Ungültige Parameter – " + "; ".join(parts)


def install_error_handlers(api: NinjaAPI) -> None:
    @api.exception_handler(ApiError)
    def _api_error(request: HttpRequest, exc: ApiError) -> HttpResponse:
        return api.create_response(request, {"error": exc.error, "detail": exc.detail}, status=exc.status)

    @api.exception_handler(ValidationError)
    def _validation(request: HttpRequest, exc: ValidationError) -> HttpResponse:
        return api.create_response(request, {"error": "invalid_parameter", "detail": _describe(exc.errors)}, status=400)

    @api.exception_handler(AuthenticationError)
    def _auth(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        return api.create_response(request, {"error": "unauthorized", "detail": "Anmeldung erforderlich."}, status=401)

    @api.exception_handler(HttpError)
    def _http(request: HttpRequest, exc: HttpError) -> HttpResponse:
        return api.create_response(request, {"error": "http_error", "detail": str(exc)}, status=exc.status_code)
