"""The public JSON API under /api/v1/ with its OpenAPI schema at /api/v1/openapi.json."""

from typing import Any

from django.http import HttpRequest, JsonResponse
from ninja import NinjaAPI
from ninja.openapi.schema import OpenAPISchema

from agency.api import router as agency_router
from core.api_errors import install_error_handlers
from matching.api import router as matching_router
from municipalities.api import router as municipalities_router
from pages.api import router as pages_router
from search.api import router as search_router
from solutions.api import router as solutions_router
from solutions.models import Topic


class Api(NinjaAPI):
    def get_openapi_schema(self, **kwargs: Any) -> OpenAPISchema:
        """Parameters marked ``x-vocabulary: topic`` accept the topics of the database: the schema lists
        their slugs (names work too), and "" for no filter."""
        schema = super().get_openapi_schema(**kwargs)
        slugs = None
        for operation in (op for path in schema["paths"].values() for op in path.values()):
            for parameter in operation.get("parameters", []):
                target = parameter["schema"].get("items", parameter["schema"])
                if target.get("x-vocabulary") == "topic":
                    if slugs is None:
                        slugs = list(Topic.objects.order_by("slug").values_list("slug", flat=True))
                    target["enum"] = ["", *slugs]
        return schema


api = Api(
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
api.add_router("/", agency_router)
api.add_router("/", pages_router)


def api_not_found(request: HttpRequest) -> JsonResponse:
    """Unknown API paths answer in the API's error shape, not with an HTML page."""
    return JsonResponse(
        {"error": "not_found", "detail": f"Unbekannter Pfad {request.path[:200]}; siehe /api/v1/openapi.json."},
        status=404,
    )
