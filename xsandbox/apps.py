from django.apps import AppConfig


class XSandboxConfig(AppConfig):
    name = "xsandbox"
    verbose_name = "X API sandbox"
