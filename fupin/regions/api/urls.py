# The regions endpoints are mounted by fupin.api.urls: their viewset needs the user's scope
# (fupin.accounts), which the regions layer may not import.
urlpatterns: list = []
