from django.urls import path

from netweave.web.views._stub import stub

urlpatterns = [
    path("login/", stub, name="login"),
    path("logout/", stub, name="logout"),
]
