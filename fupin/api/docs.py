"""API documentation pages served entirely from static/vendor (no CDN, works offline) and
under the site's CSP (script-src 'self': no inline script)."""

from pathlib import Path

from django.http import HttpResponse
from django.template import engines
from drf_spectacular.settings import spectacular_settings
from drf_spectacular.utils import extend_schema
from drf_spectacular.views import SpectacularRedocView, SpectacularSwaggerSplitView

REDOC_TEMPLATE = Path(__file__).with_name("templates") / "redoc.html"


class SwaggerView(SpectacularSwaggerSplitView):
    """Swagger UI whose init script is served by the same URL (`?script`), not inline."""


class RedocView(SpectacularRedocView):
    """drf-spectacular's Redoc page loads Google Fonts; ours loads only the vendored bundle."""

    @extend_schema(exclude=True)
    def get(self, request, *args, **kwargs):
        template = engines["django"].from_string(REDOC_TEMPLATE.read_text(encoding="utf-8"))
        html = template.render(
            {
                "title": self.title,
                "redoc_standalone": self._redoc_standalone(),
                "schema_url": self._get_schema_url(request),
                "favicon_href": spectacular_settings.SWAGGER_UI_FAVICON_HREF,
            },
            request,
        )
        return HttpResponse(html)
