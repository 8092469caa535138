from django.apps import AppConfig


class OutreachConfig(AppConfig):
    name = "netweave.outreach"
    label = "outreach"
    verbose_name = "Outreach sessions, referral codes and sign-ups"
