import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "attendance_portal.settings.production")
application = get_wsgi_application()
# What start-up made (settings, apps, models) lives as long as the process: the garbage
# collector need not walk it on every pass. Measured on the load's mix, its passes fell from
# ~2.8 % of a request's time to ~1.3 % (bench/README.md).
gc.freeze()
