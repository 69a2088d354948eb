"""The public JSON API under /api/v1/ with its OpenAPI schema at /api/v1/openapi.json."""

from django.http import HttpRequest, JsonResponse
from ninja import NinjaAPI

from core.api_errors import install_error_handlers
from matching.api import router as matching_router
from municipalities.api import router as municipalities_router
from search.api import router as search_router
from solutions.api import router as solutions_router

api = NinjaAPI(
    title="Baukasten guter Lösungen",
    version="1",
    description="Praxisbeispiele, Kommunen und Matching. Fehler: JSON {error, detail} mit 4xx-Status.",
    urls_namespace="api",
)
install_error_handlers(api)
api.add_router("/municipalities/", municipalities_router)
api.add_router("/", search_router)
api.add_router("/", solutions_router)
api.add_router("/", matching_router)


def api_not_found(request: HttpRequest) -> JsonResponse:
    """Unknown API paths answer in the API's error shape, not with an HTML page."""
    return JsonResponse(
        {"error": "not_found", "detail": f"Unbekannter Pfad {request.path[:200]}; siehe /api/v1/openapi.json."},
        status=404,
    )
