from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "netweave.web"
    label = "web"
    verbose_name = "Web UI"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from netweave.web.middleware import note_device_at_login

        user_logged_in.connect(note_device_at_login, dispatch_uid="netweave-2fa-at-login")
