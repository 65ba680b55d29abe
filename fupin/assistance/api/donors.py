"""The public wish board (no login) and a donor's own claims."""

from __future__ import annotations

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.permissions import AllowAny
from rest_framework.response import Response

from fupin.assistance.api import serializers as s
from fupin.assistance.api.common import ERRORS
from fupin.assistance.models import Wish, WishClaim
from fupin.assistance.selectors.wishes import donor_of, public_wishes
from fupin.assistance.services import wish_claim, wish_deliver, wish_release
from fupin.core.api.errors import service_errors
from fupin.core.api.mixins import API_AUTHENTICATION
from fupin.core.api.permissions import IsAuthenticatedActive
from fupin.core.changelog import Context
from fupin.core.choices import ChangeSource


@extend_schema(tags=["微心愿"])
@extend_schema_view(list=extend_schema(summary=_("公开心愿墙（无需登录，不含个人信息）")))
class PublicWishViewSet(viewsets.GenericViewSet):
    authentication_classes = API_AUTHENTICATION
    serializer_class = s.PublicWishSerializer

    def get_permissions(self):
        return [IsAuthenticatedActive()] if self.action == "claim" else [AllowAny()]

    def get_queryset(self):
        return Wish.objects.public()

    def list(self, request):
        # Paged like every other list (count, next, previous, results); the board itself is a list.
        page = self.paginate_queryset(public_wishes())
        return self.get_paginated_response(s.PublicWishSerializer(page, many=True).data)

    @extend_schema(summary=_("爱心人士认领心愿"), request=None, responses={201: s.DonorClaimSerializer, **ERRORS})
    @action(detail=True, methods=["post"])
    def claim(self, request, pk=None):
        if donor_of(request.user) is None:
            raise NotFound(gettext("请先注册并以爱心人士身份登录"))
        wish = Wish.objects.public().filter(pk=pk).first() if str(pk).isdigit() else None
        if wish is None:
            raise NotFound(gettext("该心愿已被认领或已不再开放"))
        with service_errors():
            claim = wish_claim(ctx=Context(actor=request.user, source=ChangeSource.API), wish=wish)
        return Response(s.DonorClaimSerializer(claim).data, status=status.HTTP_201_CREATED)


@extend_schema(tags=["微心愿"])
@extend_schema_view(
    list=extend_schema(summary=_("我认领的心愿（爱心人士）")), retrieve=extend_schema(summary=_("我认领的心愿"))
)
class DonorClaimViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """A donor sees only their own claims; anybody else gets an empty list."""

    authentication_classes = API_AUTHENTICATION
    permission_classes = [IsAuthenticatedActive]
    serializer_class = s.DonorClaimSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return WishClaim.objects.none()
        return (
            WishClaim.objects.filter(donor__user=self.request.user)
            .select_related("wish")
            .order_by("-claimed_at", "-pk")
        )

    def _ctx(self) -> Context:
        return Context(actor=self.request.user, source=ChangeSource.API)

    @extend_schema(
        summary=_("标记送达"), request=s.WishDeliverSerializer, responses={200: s.DonorClaimSerializer, **ERRORS}
    )
    @action(detail=True, methods=["post"])
    def deliver(self, request, pk=None):
        claim = self.get_object()
        ser = s.WishDeliverSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        with service_errors():
            claim = wish_deliver(ctx=self._ctx(), claim=claim, note=ser.validated_data.get("note", ""))
        return Response(s.DonorClaimSerializer(claim).data)

    @extend_schema(summary=_("放弃认领"), request=None, responses={200: s.DonorClaimSerializer, **ERRORS})
    @action(detail=True, methods=["post"])
    def release(self, request, pk=None):
        claim = self.get_object()
        with service_errors():
            claim = wish_release(ctx=self._ctx(), claim=claim)
        return Response(s.DonorClaimSerializer(claim).data)
