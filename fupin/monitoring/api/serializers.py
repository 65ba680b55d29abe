"""Monitoring API shapes. Input serializers check the shape only; the services decide. Output
masks the reporter's phone unless the context says `sensitive`, and gives medical evidence
only to those allowed to see personal data."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from fupin.core.api.serializers import DisplayLabelsMixin, MaskedField
from fupin.monitoring import rules
from fupin.monitoring.choices import AlertSource, Decision, ListKind, ObjectType, ProcedureStep, RiskKind
from fupin.monitoring.models import Alert, AlertStep, ExitCase, ExitStep, MonitoringObject, Risk
from fupin.monitoring.screening.lists import evidence_summary
from fupin.utils.masking import mask_phone


class AlertStepSerializer(DisplayLabelsMixin, serializers.ModelSerializer):
    class Meta:
        model = AlertStep
        fields = ["step", "decision", "on", "actor_name", "comment", "data", "created"]
        display_fields = ["step", "decision"]
        read_only_fields = fields


class AlertSerializer(DisplayLabelsMixin, serializers.ModelSerializer):
    region = serializers.CharField(source="region.code", read_only=True)
    region_name = serializers.CharField(source="region.name", read_only=True)
    household_code = serializers.CharField(source="household.code", read_only=True, allow_null=True)
    phone = MaskedField(masker=mask_phone)
    evidence_summary = serializers.SerializerMethodField()
    overdue = serializers.SerializerMethodField()

    class Meta:
        model = Alert
        fields = [
            "id",
            "region",
            "region_name",
            "household",
            "household_code",
            "source",
            "department_list",
            "risk_hint",
            "description",
            "evidence_summary",
            "reporter_name",
            "phone",
            "status",
            "next_step",
            "deadline",
            "overdue",
            "notice_starts",
            "notice_ends",
            "decided_on",
            "monitoring_object",
            "attached_to",
            "created",
        ]
        display_fields = ["source", "risk_hint", "status", "next_step"]
        read_only_fields = fields

    def get_evidence_summary(self, a: Alert) -> str:
        if not a.evidence:
            return ""
        if a.evidence.get("kind") == ListKind.MEDICAL and not self.context.get("sensitive"):
            return ""
        return evidence_summary(a.evidence)

    def get_overdue(self, a: Alert) -> bool:
        return bool(self.context.get("today") and a.status == "open" and a.deadline < self.context["today"])


class AlertDetailSerializer(AlertSerializer):
    steps = AlertStepSerializer(many=True, read_only=True)

    class Meta(AlertSerializer.Meta):
        fields = [*AlertSerializer.Meta.fields, "steps"]
        read_only_fields = fields


class AlertCreateSerializer(serializers.Serializer):
    household = serializers.IntegerField(help_text="农户 id")
    source = serializers.ChoiceField(choices=[AlertSource.CADRE, AlertSource.SELF_REPORT])
    description = serializers.CharField(max_length=1000)
    risk_hint = serializers.ChoiceField(choices=RiskKind.choices, required=False, allow_blank=True)


class RiskInputSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=RiskKind.choices)
    disaster_kind = serializers.CharField(required=False, allow_blank=True)
    remark = serializers.CharField(required=False, allow_blank=True, max_length=200)


class AlertStepInputSerializer(serializers.Serializer):
    step = serializers.ChoiceField(choices=ProcedureStep.choices)
    decision = serializers.ChoiceField(choices=Decision.choices)
    on = serializers.DateField(required=False, allow_null=True)
    comment = serializers.CharField(required=False, allow_blank=True, max_length=500)
    votes_for = serializers.IntegerField(required=False, allow_null=True, min_value=0)
    votes_against = serializers.IntegerField(required=False, allow_null=True, min_value=0)
    notice_starts = serializers.DateField(required=False, allow_null=True)
    notice_ends = serializers.DateField(required=False, allow_null=True)
    object_type = serializers.ChoiceField(choices=ObjectType.choices, required=False, allow_blank=True)
    risks = RiskInputSerializer(many=True, required=False)


class RiskSerializer(DisplayLabelsMixin, serializers.ModelSerializer):
    class Meta:
        model = Risk
        fields = ["kind", "disaster_kind", "remark", "added_on"]
        display_fields = ["kind", "disaster_kind"]
        read_only_fields = fields


class MonitoringObjectSerializer(DisplayLabelsMixin, serializers.ModelSerializer):
    household_code = serializers.CharField(source="household.code", read_only=True)
    region = serializers.CharField(source="household.region.code", read_only=True)
    risks = RiskSerializer(many=True, read_only=True)

    class Meta:
        model = MonitoringObject
        fields = [
            "id",
            "household",
            "household_code",
            "region",
            "object_type",
            "year",
            "identified_on",
            "status",
            "proposed_method",
            "notice_starts",
            "notice_ends",
            "elimination_method",
            "eliminated_on",
            "alert",
            "risks",
        ]
        display_fields = ["object_type", "status", "proposed_method", "elimination_method"]
        read_only_fields = fields


class ExitStepSerializer(DisplayLabelsMixin, serializers.ModelSerializer):
    class Meta:
        model = ExitStep
        fields = ["step", "decision", "on", "actor_name", "comment", "data", "created"]
        display_fields = ["step", "decision"]
        read_only_fields = fields


class ExitCaseSerializer(DisplayLabelsMixin, serializers.ModelSerializer):
    household_code = serializers.CharField(source="household.code", read_only=True)
    assessment = serializers.SerializerMethodField()
    steps = ExitStepSerializer(many=True, read_only=True)

    class Meta:
        model = ExitCase
        fields = [
            "id",
            "household",
            "household_code",
            "year",
            "status",
            "next_step",
            "notice_starts",
            "notice_ends",
            "created",
            "assessment",
            "steps",
        ]
        display_fields = ["status", "next_step"]
        read_only_fields = fields

    def get_assessment(self, c: ExitCase) -> dict[str, Any]:
        a = c.assessment
        return {
            "id": a.pk,
            "year": a.year,
            "policy": a.policy_id,
            "passed": a.passed,
            "results": [{**r, "label": rules.label(r["criterion"]), "text": rules.explain(r)} for r in a.results],
        }


class VillageIncidenceSerializer(serializers.Serializer):
    code = serializers.CharField(source="village.code")
    name = serializers.CharField(source="village.name")
    township = serializers.CharField()
    rural_population = serializers.IntegerField(source="population", allow_null=True)
    poor_persons = serializers.IntegerField()
    poor_households = serializers.IntegerField()
    incidence = serializers.DecimalField(max_digits=9, decimal_places=6, allow_null=True)
    threshold = serializers.DecimalField(max_digits=5, decimal_places=4, allow_null=True)
    meets = serializers.BooleanField()
    excess = serializers.IntegerField(help_text="还需脱贫的人数")
