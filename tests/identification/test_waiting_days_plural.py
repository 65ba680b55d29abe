"""The overdue list on the identification home says "1 day" / "3 days" in English."""

from django.template import Context, Template
from django.utils import translation

SNIPPET = (
    "{% load i18n %}{% blocktranslate count n=d %}已等待 {{ n }} 天{% plural %}已等待 {{ n }} 天{% endblocktranslate %}"
)


def test_waiting_days_in_both_languages():
    with open("fupin/identification/templates/identification/index.html", encoding="utf-8") as fh:
        assert SNIPPET.replace("{% load i18n %}", "").replace("n=d", "n=a.waiting_days") in fh.read()
    t = Template(SNIPPET)
    with translation.override("en"):
        assert [t.render(Context({"d": d})) for d in (1, 3)] == ["Waiting 1 day", "Waiting 3 days"]
    with translation.override("zh-hans"):
        assert t.render(Context({"d": 3})) == "已等待 3 天"
