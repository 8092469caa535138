from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "netweave.people"
    label = "people"
    verbose_name = "People: who the movement is in touch with"
