"""The demo phase leaves a plausible monitoring picture and keeps the invariants."""

from django.db.models import Exists, OuterRef

from fupin.demo.generator import generate_district
from fupin.monitoring.models import Alert, MonitoringObject
from fupin.monitoring.rules import LABOUR_CODES
from fupin.regions.models import Region
from fupin.registry.models import Member


def test_demo_phase(db):
    result = generate_district(households=300, seed=11)
    counts = result["phases"]["fupin.monitoring.demo"]
    assert counts["objects"] == MonitoringObject.objects.count() > 0
    assert counts["alerts"] == Alert.objects.count() > 0
    assert Region.objects.filter(level=5, rural_population__isnull=False).count() == counts["villages"]
    labour = Member.objects.filter(household=OuterRef("household"), ended_on__isnull=True,
                                   labour_skill__in=LABOUR_CODES)
    # A household without labour is never marked eliminated, not even in the demo.
    assert not MonitoringObject.objects.filter(status="eliminated").exclude(Exists(labour)).exists()
    # Monitoring objects are 脱贫户 or ordinary households, never poor ones still in the roll.
    assert not MonitoringObject.objects.filter(household__registered=True).exclude(household__status="exited").exists()
