from django.urls import path

from netweave.web.views._stub import stub

urlpatterns = [
    path("networks/", stub, name="networks"),
]
