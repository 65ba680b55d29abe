from django.conf import settings


def site(request):
    return {"FUPIN_VERSION": "0.1.0", "LANGUAGES": settings.LANGUAGES}
