"""The API root: links to the collections and the documentation."""

from drf_spectacular.utils import extend_schema
from rest_framework.response import Response
from rest_framework.reverse import reverse
from rest_framework.views import APIView

from fupin.core.api.mixins import API_AUTHENTICATION
from fupin.core.api.permissions import IsAuthenticatedActive

LINKS = {
    "regions": "region-list",
    "households": "household-list",
    "members": "member-list",
    "token": "api-token",
    "schema": "api-schema",
    "docs": "api-docs",
    "redoc": "api-redoc",
}


class ApiRootView(APIView):
    authentication_classes = API_AUTHENTICATION
    permission_classes = [IsAuthenticatedActive]

    @extend_schema(exclude=True)
    def get(self, request):
        return Response({key: reverse(name, request=request) for key, name in LINKS.items()})
