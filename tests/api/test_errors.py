"""Domain errors become HTTP answers in one place (fupin.core.api.errors)."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.http import Http404
from rest_framework.exceptions import ValidationError as DRFValidationError

from fupin.core.api.errors import exception_handler, service_errors
from fupin.core.errors import ApplicationError, ScopeError
from fupin.registry.models import Household


def answer(exc):
    return exception_handler(exc, {})


def test_field_errors_are_400_with_each_field():
    response = answer(ValidationError({"id_number": "证件号码应为 18 位，实际 17 位", "__all__": "整体错误"}))
    assert response.status_code == 400
    assert response.data == {"id_number": ["证件号码应为 18 位，实际 17 位"], "non_field_errors": ["整体错误"]}


def test_a_message_without_field_is_a_non_field_error():
    assert answer(ValidationError("不行")).data == {"non_field_errors": ["不行"]}


def test_refusals_are_409_with_the_reason():
    response = answer(ApplicationError("户 X 已注销", extra={"code": "X"}))
    assert response.status_code == 409 and response.data == {"detail": "户 X 已注销", "code": "X"}


@pytest.mark.parametrize("exc", [ScopeError("out of scope"), Household.DoesNotExist(), Http404("No Household")])
def test_out_of_scope_and_absent_look_the_same(exc):
    response = answer(exc)
    assert response.status_code == 404
    assert "Household" not in str(response.data["detail"]) and "scope" not in str(response.data["detail"])


def test_a_database_invariant_caught_late_is_409_not_500():
    assert answer(IntegrityError("UNIQUE constraint failed")).status_code == 409


def test_service_errors_can_rename_and_nest():
    with pytest.raises(DRFValidationError) as caught, service_errors(rename={"close_reason": "reason"}, nest="head"):
        raise ValidationError({"close_reason": "请选择注销原因"})
    assert caught.value.detail == {"head": {"reason": ["请选择注销原因"]}}
