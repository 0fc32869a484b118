"""Print the SQL queries each page costs, uncached, as JSON: {path: count}. Run with the bench's environment."""
import json
import os
import sys

import django

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")
django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

paths = sys.argv[1:]
client = Client(HTTP_HOST="127.0.0.1")
staff = Client(HTTP_HOST="127.0.0.1")
staff.force_login(get_user_model().objects.get(username="bench"))
result = {}
for path in paths:
    with CaptureQueriesContext(connection) as queries:
        if path.startswith("/admin/"):
            response = staff.get(path)
        else:  # a cookie makes the page cache step aside: this counts an uncached render
            response = client.get(path, HTTP_COOKIE="sessionid=bench-uncached")
    result[path] = {"queries": len(queries), "status": response.status_code, "bytes": len(response.content)}
print(json.dumps(result))
