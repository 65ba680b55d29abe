"""Identification API shapes. Input serializers check the shape only; the services decide."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from fupin.core.api.serializers import DisplayLabelsMixin
from fupin.identification import rules
from fupin.identification.choices import ApplicationKind, Criterion
from fupin.identification.models import (
    Application,
    Assessment,
    ComparisonList,
    Finding,
    Objection,
    PolicyVersion,
    Recheck,
    StepDecision,
)
from fupin.registry.choices import Attribute, Cause, Standard
from fupin.utils.masking import mask_id


class PolicyVersionSerializer(serializers.ModelSerializer):
    region_code = serializers.CharField(source="region_id", read_only=True, allow_null=True)

    class Meta:
        model = PolicyVersion
        fields = [
            "id",
            "year",
            "region_code",
            "effective_from",
            "poverty_line",
            "floor_standard_monthly",
            "monitoring_line",
            "criteria",
            "notice_days",
            "step_overdue_days",
            "note",
            "verified",
            "supersedes",
            "created_by",
            "created",
        ]
        read_only_fields = fields


class PolicyVersionWriteSerializer(serializers.Serializer):
    year = serializers.IntegerField(min_value=2000, max_value=2100)
    region_code = serializers.CharField(
        required=False, allow_blank=True, allow_null=True, help_text="省、市或县(区)代码；空为全国默认（仅系统管理员）"
    )
    effective_from = serializers.DateField()
    poverty_line = serializers.DecimalField(max_digits=10, decimal_places=2, required=False, allow_null=True)
    floor_standard_monthly = serializers.DecimalField(max_digits=10, decimal_places=2, required=False, allow_null=True)
    monitoring_line = serializers.DecimalField(max_digits=10, decimal_places=2, required=False, allow_null=True)
    criteria = serializers.ListField(child=serializers.ChoiceField(choices=Criterion.choices))
    notice_days = serializers.IntegerField(required=False, default=7)
    step_overdue_days = serializers.IntegerField(required=False, default=15)
    note = serializers.CharField(required=False, allow_blank=True, default="")
    verified = serializers.BooleanField(required=False, default=False)
    supersedes = serializers.IntegerField(required=False, allow_null=True)


class AssessmentSerializer(DisplayLabelsMixin, serializers.ModelSerializer):
    explanation = serializers.SerializerMethodField()
    sentences = serializers.SerializerMethodField()

    class Meta:
        model = Assessment
        fields = [
            "id",
            "household",
            "year",
            "policy",
            "outcome",
            "explanation",
            "sentences",
            "results",
            "inputs",
            "recheck",
            "created_by",
            "created",
        ]
        display_fields = ["outcome"]

    def get_explanation(self, obj: Assessment) -> str:
        return rules.summary(obj.results)

    def get_sentences(self, obj: Assessment) -> list[str]:
        return [rules.explain(r) for r in obj.results]


class AssessmentRunSerializer(serializers.Serializer):
    household = serializers.IntegerField()
    year = serializers.IntegerField(min_value=2000, max_value=2100)


class StepDecisionSerializer(DisplayLabelsMixin, serializers.ModelSerializer):
    class Meta:
        model = StepDecision
        fields = ["id", "step", "decision", "actor", "actor_name", "at", "comment", "data"]
        display_fields = ["decision"]


class ObjectionSerializer(DisplayLabelsMixin, serializers.ModelSerializer):
    class Meta:
        model = Objection
        fields = [
            "id",
            "step",
            "raised_on",
            "raised_by_name",
            "content",
            "outcome",
            "answer",
            "answered_by",
            "answered_on",
        ]
        display_fields = ["outcome"]


class ApplicationSerializer(DisplayLabelsMixin, serializers.ModelSerializer):
    decisions = StepDecisionSerializer(many=True, read_only=True)
    objections = ObjectionSerializer(many=True, read_only=True)

    class Meta:
        model = Application
        fields = [
            "id",
            "household",
            "kind",
            "origin",
            "year",
            "attribute",
            "main_cause",
            "other_causes",
            "standard",
            "reason",
            "step",
            "step_since",
            "notice_from",
            "notice_until",
            "announced_on",
            "proposed_by",
            "proposed_at",
            "comparison",
            "created",
            "decisions",
            "objections",
        ]
        display_fields = ["kind", "origin", "step", "attribute", "main_cause"]


class ApplicationListSerializer(DisplayLabelsMixin, serializers.ModelSerializer):
    class Meta:
        model = Application
        fields = [
            "id",
            "household",
            "kind",
            "origin",
            "year",
            "step",
            "step_since",
            "notice_until",
            "proposed_by",
            "created",
        ]
        display_fields = ["kind", "step"]


class ApplicationCreateSerializer(serializers.Serializer):
    household = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=ApplicationKind.choices)
    year = serializers.IntegerField(min_value=2000, max_value=2100)
    attribute = serializers.ChoiceField(choices=Attribute.choices, required=False, allow_blank=True)
    main_cause = serializers.ChoiceField(choices=Cause.choices, required=False, allow_blank=True)
    other_causes = serializers.ListField(child=serializers.ChoiceField(choices=Cause.choices), required=False)
    standard = serializers.ChoiceField(choices=Standard.choices, required=False, allow_blank=True)
    reason = serializers.CharField(required=False, allow_blank=True, max_length=300)


class ApplicationStepSerializer(serializers.Serializer):
    """The current step's input: which fields apply depends on the step (see the docs of
    the `step` action)."""

    passed = serializers.BooleanField(required=False)
    comment = serializers.CharField(required=False, allow_blank=True, default="", max_length=500)
    meeting_date = serializers.DateField(required=False)
    representatives = serializers.IntegerField(required=False, min_value=0)
    present = serializers.IntegerField(required=False, min_value=0)
    votes_for = serializers.IntegerField(required=False, min_value=0)
    votes_against = serializers.IntegerField(required=False, min_value=0)
    notice_from = serializers.DateField(required=False, allow_null=True)
    announced_on = serializers.DateField(required=False, allow_null=True)
    year = serializers.IntegerField(required=False, allow_null=True, min_value=2013, max_value=2100)
    attribute = serializers.ChoiceField(choices=Attribute.choices, required=False)
    main_cause = serializers.ChoiceField(choices=Cause.choices, required=False)
    other_causes = serializers.ListField(child=serializers.ChoiceField(choices=Cause.choices), required=False)
    standard = serializers.ChoiceField(choices=Standard.choices, required=False, allow_blank=True)


class ObjectionInputSerializer(serializers.Serializer):
    """Record an objection (content, raised_by_name, raised_on) or answer one (objection,
    upheld, answer)."""

    objection = serializers.IntegerField(required=False)
    content = serializers.CharField(required=False, max_length=500)
    raised_by_name = serializers.CharField(required=False, allow_blank=True, default="", max_length=50)
    raised_on = serializers.DateField(required=False, allow_null=True)
    upheld = serializers.BooleanField(required=False)
    answer = serializers.CharField(required=False, max_length=500)


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=300)


class FindingSerializer(DisplayLabelsMixin, serializers.ModelSerializer):
    member_name = serializers.CharField(source="member.name", read_only=True, default="")
    member_id_number = serializers.SerializerMethodField()
    evidence = serializers.SerializerMethodField()

    class Meta:
        model = Finding
        fields = [
            "id",
            "region",
            "kind",
            "list_kind",
            "household",
            "member",
            "member_name",
            "member_id_number",
            "other_member",
            "comparison",
            "recheck",
            "evidence",
            "status",
            "note",
            "decided_by",
            "decided_at",
            "application",
            "created",
        ]
        display_fields = ["kind", "list_kind", "status"]

    def get_member_id_number(self, obj: Finding) -> str:
        number = obj.member.id_number if obj.member_id else ""
        return number if self.context.get("sensitive") else mask_id(number)

    def get_evidence(self, obj: Finding) -> dict[str, Any]:
        if obj.row_id:
            return {"line": obj.row.line, "name": obj.row.name, **obj.row.evidence}
        return obj.evidence


class FindingDecideSerializer(serializers.Serializer):
    confirmed = serializers.BooleanField()
    note = serializers.CharField(max_length=500)
    end_member = serializers.IntegerField(required=False, allow_null=True)
    new_head = serializers.IntegerField(required=False, allow_null=True)


class ComparisonListSerializer(DisplayLabelsMixin, serializers.ModelSerializer):
    problems = serializers.SerializerMethodField()

    class Meta:
        model = ComparisonList
        fields = [
            "id",
            "region",
            "kind",
            "kind_name",
            "file_name",
            "columns",
            "rows_total",
            "rows_valid",
            "invalid_count",
            "duplicate_count",
            "matched",
            "unmatched",
            "findings",
            "candidates",
            "problems",
            "uploaded_by",
            "job",
            "created",
        ]
        display_fields = ["kind"]

    def get_problems(self, obj: ComparisonList) -> dict[str, Any]:
        # The rejected and repeated numbers are ID numbers (a bad check digit is usually a typo of a real one):
        # masked like every other ID in the API; the line numbers locate them in the uploaded file.
        problems = dict(obj.problems or {})
        if self.context.get("sensitive"):
            return problems
        problems["invalid"] = [{**p, "value": mask_id(p.get("value"))} for p in problems.get("invalid", [])]
        problems["duplicates"] = [{**d, "id": mask_id(d.get("id"))} for d in problems.get("duplicates", [])]
        return problems


class ComparisonUploadSerializer(serializers.Serializer):
    file = serializers.FileField()
    kind = serializers.CharField(
        help_text="名单类型代码或名称，如 vehicle / 机动车登记；其他类型用 other 并填 kind_name"
    )
    kind_name = serializers.CharField(required=False, allow_blank=True, default="")
    region_code = serializers.CharField(required=False, allow_blank=True, help_text="比对范围；默认为您的授权区域")


class RecheckSerializer(serializers.ModelSerializer):
    """`summary` is the one the viewset scoped for the reader (context `summaries`, by id), as the
    detail page shows it: a township reviewer reading a district campaign gets their own
    township's row and not the district totals."""

    summary = serializers.SerializerMethodField()

    class Meta:
        model = Recheck
        fields = ["id", "region", "year", "job", "started_by", "summary", "timings", "created", "finished"]

    def get_summary(self, obj: Recheck) -> dict[str, Any]:
        # Without a scoped summary show none: the stored one holds every township's counts.
        return self.context.get("summaries", {}).get(obj.pk, {})


class RecheckStartSerializer(serializers.Serializer):
    year = serializers.IntegerField(required=False, allow_null=True, min_value=2000, max_value=2100)


class JobAcceptedSerializer(serializers.Serializer):
    job = serializers.UUIDField()
    detail = serializers.CharField()
