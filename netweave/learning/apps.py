from django.apps import AppConfig


class LearningConfig(AppConfig):
    name = "netweave.learning"
    label = "learning"
    verbose_name = "Learning"
