from django.urls import path

from netweave.web.views._stub import stub

urlpatterns = [
    path("tasks/", stub, name="tasks"),
    path("playbooks/", stub, name="playbooks"),
]
