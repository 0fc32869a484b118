import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")
django_application = get_wsgi_application()

# A fresh page-cache hit is answered before Django's request handling; everything else goes to Django
# (core/pagecache.py, "hits answered before Django").
from core.pagecache import FastHits  # noqa: E402  (after setup: it reads settings)

application = FastHits(django_application)
