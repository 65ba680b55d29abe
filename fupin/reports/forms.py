"""Forms of the reports pages (the region comes from `?region=` and is scope-checked by
the view, so an out-of-scope region answers 404 rather than a form error)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from fupin.reports.choices import LedgerKind
from fupin.reports.views.common import FIRST_YEAR, default_year, year_choices


class YearForm(forms.Form):
    year = forms.TypedChoiceField(label=_("年度"), coerce=int, choices=())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [(y, str(y)) for y in year_choices()]
        self.fields["year"].initial = default_year()
        self.fields["year"].help_text = _("{first} 年起").format(first=FIRST_YEAR)


class LedgerForm(YearForm):
    kind = forms.ChoiceField(label=_("台账"), choices=LedgerKind.choices)
