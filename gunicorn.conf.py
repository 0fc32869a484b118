"""gunicorn settings; override any of them with GUNICORN_CMD_ARGS or environment variables.

gunicorn is never exposed to readers: nginx (deploy/nginx/) sits in front, reads whole requests and takes whole
responses, so a slow client holds an nginx connection and no thread here. The gthread worker hands a thread to a
connection from its first byte until the response is written and has no limit on how long the request headers
take: straight at gunicorn, 8 connections sending a byte a second hold every thread of 4 workers x 2 threads
(`make faults` shows both; docs/decisions.md "Slow clients meet nginx, not gunicorn").
"""
import multiprocessing
import os

# Loopback by default: only the proxy on this machine reaches it (BIND=10.0.0.5:8000 for a proxy elsewhere).
bind = os.environ.get("BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", min(4, multiprocessing.cpu_count() * 2 + 1)))
worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS", "2"))
# A worker whose main loop stops answering for 30 s is replaced; requests are bounded by nginx's proxy_read_timeout.
timeout = 30
graceful_timeout = 20
# Idle keep-alive connections wait in the worker's poller (no thread) and are closed after 2 s; nginx opens one
# connection per request anyway.
keepalive = 2
# What one request may carry in its head, as nginx accepts it (large_client_header_buffers 4 8k).
limit_request_line = 8190
limit_request_fields = 100
limit_request_field_size = 8190
accesslog = "-"
errorlog = "-"
# One line per request, key=value, easy to grep and to ship to a log store.
access_log_format = 'method=%(m)s path="%(U)s" status=%(s)s bytes=%(B)s duration_ms=%(M)s ip=%(h)s ua="%(a)s"'
