from django.apps import AppConfig


class CampaignsConfig(AppConfig):
    name = "netweave.campaigns"
    label = "campaigns"
    verbose_name = "Campaigns"
