"""Who may use each page of the exchange (tests/matrix.py)."""

from django.core.files.base import ContentFile

from fupin.exchange.models import ImportBatch
from fupin.regions.models import Region
from tests.matrix import Case, expect, matrix_test


def batch(world) -> dict:
    """A previewed batch of the district office (with a report), made once per world."""
    if "batch" not in world.extra:
        b = ImportBatch(
            region=Region.objects.get(code="430405"), file_name="r.csv", sha256="0" * 64, year=2019, status="previewed"
        )
        b.report.save("r-report.xlsx", ContentFile(b"PK report"), save=False)
        b.save()
        world.extra["batch"] = b
    return {"pk": world.extra["batch"].pk}


DISTRICT_ONLY = expect(403, anonymous=302, coordinator=200)
BATCH = expect(404, anonymous=302, coordinator=200)

CASES = [
    Case("exchange:import_list", DISTRICT_ONLY),
    Case("exchange:import_upload", DISTRICT_ONLY),
    Case("exchange:import_upload", DISTRICT_ONLY, method="post", data=lambda w: {"year": "2019"}, id="post-upload"),
    Case("exchange:batch_detail", BATCH, kwargs=batch),
    Case(
        "exchange:batch_confirm",
        expect(404, anonymous=302, coordinator=302),
        kwargs=batch,
        method="post",
        data=lambda w: {},
    ),
    Case("exchange:batch_report", BATCH, kwargs=batch),
    Case("exchange:household_export", expect(403, anonymous=302, coordinator=200, reviewer=200, leader=200)),
]

test_matrix = matrix_test(CASES)
