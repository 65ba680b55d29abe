"""`run_service` puts a service's refusal on the form, whatever kind of form it is given.

A ModelForm is a `forms.BaseForm`, not a `forms.Form`: the refusal branch once tested
`isinstance(form, forms.Form)`, fell through to calling the ModelForm, and a refused save
(for example a measure added to a household closed meanwhile) became a 500 page."""

from django import forms
from django.core.exceptions import ValidationError

from fupin.core.errors import ApplicationError
from fupin.regions.choices import RegionLevel
from fupin.regions.models import Region
from fupin.registry.views.common import run_service


class _RegionForm(forms.ModelForm):
    class Meta:
        model = Region
        fields = ["name"]


class _PlainForm(forms.Form):
    name = forms.CharField()


def _model_form() -> _RegionForm:
    return _RegionForm(data={"name": "x"}, instance=Region(code="430405", level=RegionLevel.DISTRICT))


def _refuse():
    raise ApplicationError("户已销户")


def _invalid():
    raise ValidationError({"name": "名称不能为空"})


def test_refusal_goes_on_a_model_form():
    form = _model_form()
    assert run_service(form, _refuse) is None
    assert form.non_field_errors() == ["户已销户"]


def test_refusal_goes_on_a_plain_form():
    form = _PlainForm(data={"name": "x"})
    assert run_service(form, _refuse) is None
    assert form.non_field_errors() == ["户已销户"]


def test_field_error_goes_under_the_field_of_a_model_form():
    form = _model_form()
    assert run_service(form, _invalid) is None
    assert form.errors["name"] == ["名称不能为空"]


def test_result_is_returned_when_the_service_succeeds():
    form = _model_form()
    assert run_service(form, lambda: 42) == 42
    assert not form.errors
