"""``python -m linlab.web <command>``: Django's manage.py for the linlab site."""

import os
import sys

from django.core.management import execute_from_command_line

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "linlab.web.settings")
execute_from_command_line([f"{sys.executable} -m linlab.web", *sys.argv[1:]])
