"""Token authentication: POST username and password, get the token to send as
`Authorization: Token <token>`."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.authtoken.serializers import AuthTokenSerializer
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from fupin.core.api.tokens import token_issue
from fupin.core.changelog import Context
from fupin.core.choices import ChangeSource


class TokenView(ObtainAuthToken):
    # The credentials are in the body: no session, hence no CSRF check on this call. Failed
    # logins count towards django-axes' lockout like the login page's.
    authentication_classes = ()
    permission_classes = ()
    parser_classes = (JSONParser, FormParser, MultiPartParser)

    @extend_schema(
        summary=_("用用户名和密码获取 API 令牌"),
        request=AuthTokenSerializer,
        responses={
            200: inline_serializer(
                "Token", {"token": serializers.CharField(help_text=_("放入请求头 Authorization: Token <令牌>"))}
            ),
            400: OpenApiResponse(description=_("用户名或密码错误")),
        },
        auth=[],
        tags=["认证"],
    )
    def post(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user = serializer.validated_data["user"]
        token, _created = token_issue(ctx=Context(actor=user, source=ChangeSource.API), user=user)
        return Response({"token": token.key})
