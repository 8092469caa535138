from django.contrib import admin
from django.urls import include, path

from netweave.api.api import urlpatterns as api_urls

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("backoffice/", admin.site.urls),
    path("api/v1/", include(api_urls)),
    path("", include("netweave.web.urls")),
]
