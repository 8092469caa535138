"""Every page's URL. Each view module owns its own `urlpatterns`; this file only joins them."""

from netweave.web.views import (
    accounts,
    campaigns,
    dashboard,
    events,
    growth,
    networks,
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
    *growth.urlpatterns,
    *public.urlpatterns,
]
