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


# pydantic's error types, as German sentences; ctx values (limits, patterns) fill the gaps. One place for
# every endpoint, so that no English message („Input should be …“) reaches a client.
_MESSAGES = {
    "missing": "fehlt",
    "int_parsing": "muss eine ganze Zahl sein",
    "int_type": "muss eine ganze Zahl sein",
    "int_from_float": "muss eine ganze Zahl sein",
    "float_parsing": "muss eine Zahl sein",
    "float_type": "muss eine Zahl sein",
    "bool_parsing": "muss true oder false sein",
    "bool_type": "muss true oder false sein",
    "string_type": "muss ein Text sein",
    "list_type": "muss eine Liste sein",
    "greater_than": "muss größer als {gt} sein",
    "greater_than_equal": "muss mindestens {ge} sein",
    "less_than": "muss kleiner als {lt} sein",
    "less_than_equal": "darf höchstens {le} sein",
    "string_too_short": "muss mindestens {min_length} Zeichen lang sein",
    "string_too_long": "darf höchstens {max_length} Zeichen lang sein",
    "string_pattern_mismatch": "hat nicht die erwartete Form ({pattern})",
    "enum": "muss einer dieser Werte sein: {expected}",
    "literal_error": "muss einer dieser Werte sein: {expected}",
    "date_parsing": "muss ein Datum (JJJJ-MM-TT) sein",
    "date_from_datetime_parsing": "muss ein Datum (JJJJ-MM-TT) sein",
    "extra_forbidden": "ist kein bekannter Parameter",
}


def error_sentence(error: dict) -> str:
    """One pydantic error as a German phrase; an unknown type still answers in German."""
    template = _MESSAGES.get(error.get("type", ""), "ist ungültig")
    try:
        return template.format(**(error.get("ctx") or {}))
    except (KeyError, IndexError, ValueError):
        return _MESSAGES.get(error.get("type", ""), "ist ungültig").split(" {")[0]


def _describe(errors: list[dict]) -> str:
    parts = []
    for error in errors:
        location = [str(p) for p in error.get("loc", ()) if p not in ("query", "path", "body", "params")]
        parts.append(f"„{'.'.join(location) or 'Anfrage'}“ {error_sentence(error)}")
    return "Ungültige Parameter: " + "; ".join(parts) + "."


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
