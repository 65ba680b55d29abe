from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class UploadForm(forms.Form):
    file = forms.FileField(label=_("台账文件"), help_text=_("Excel 工作簿（.xlsx）或 CSV；可含人员明细等多个工作表"))
    year = forms.IntegerField(
        label=_("台账年度"), min_value=2010, max_value=2100, help_text=_("收入和生产生活条件记入该年度")
    )
    valid_only = forms.BooleanField(
        label=_("只导入无误的户"), required=False, help_text=_("有错误的户写入问题报告，其余照常导入")
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["year"].initial = timezone.localdate().year
