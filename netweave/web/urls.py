"""Every page's URL. Each view module owns its own `urlpatterns`; this file only joins them."""

from netweave.web.views import (
    accounts,
    accounts_2fa,
    api_tokens,
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
    privacy,
    public,
    work,
)

urlpatterns = [
    *accounts.urlpatterns,
    *api_tokens.urlpatterns,
    *accounts_2fa.urlpatterns,
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
    *privacy.urlpatterns,
    *public.urlpatterns,
]
