from django.urls import path

from netweave.web.views._stub import stub

urlpatterns = [
    path("outreach/", stub, name="outreach"),
    path("codes/", stub, name="codes"),
]
