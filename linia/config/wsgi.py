import os

from django.core.wsgi import get_wsgi_application

from linia.core.gcfreeze import FreezeLongLivedObjects

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "linia.config.settings")
application = FreezeLongLivedObjects(get_wsgi_application())
