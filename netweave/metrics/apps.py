from django.apps import AppConfig


class MetricsConfig(AppConfig):
    name = "netweave.metrics"
    label = "metrics"
    verbose_name = "Metrics"
