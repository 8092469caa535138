from django.apps import AppConfig


class NetworksConfig(AppConfig):
    name = "netweave.networks"
    label = "networks"
    verbose_name = "Networks and their lineage"
