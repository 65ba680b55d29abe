"""Login forms."""

from __future__ import annotations

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from fupin.utils.text import clean_phone


class MobileLoginForm(AuthenticationForm):
    """The donor login: a donor's login name is the mobile number they registered with, so
    the field says so, and takes the number written with spaces or dashes as well."""

    username = forms.CharField(
        label=_("手机号码"),
        max_length=20,
        widget=forms.TextInput(attrs={"autofocus": True, "inputmode": "tel", "autocomplete": "tel"}),
    )

    def clean_username(self) -> str:
        return clean_phone(self.cleaned_data["username"]) or self.cleaned_data["username"]
