"""Every page's URL. Each view module owns its own `urlpatterns`; this file only joins them."""

from netweave.web.views import (
    accounts,
    campaigns,
    dashboard,
    events,
    growth,
    learning,
    links,
    networks,
    notify,
    outreach,
    people,
    public,
    work,
)

urlpatterns = [
    *accounts.urlpatterns,
    *dashboard.urlpatterns,
    *people.urlpatterns,
    *networks.urlpatterns,
    *work.urlpatterns,
    *events.urlpatterns,
    *outreach.urlpatterns,
    *campaigns.urlpatterns,
    *learning.urlpatterns,
    *links.urlpatterns,
    *growth.urlpatterns,
    *notify.urlpatterns,
    *public.urlpatterns,
]
