from django.apps import AppConfig


class EventsConfig(AppConfig):
    name = "netweave.events"
    label = "events"
    verbose_name = "Events, RSVPs and attendance"
