from django.apps import AppConfig


class LabsConfig(AppConfig):
    name = "linlab.web.labs"
    label = "labs"
    verbose_name = "Labs"
