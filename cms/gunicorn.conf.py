# gunicorn settings for production; values come from the environment like everything else.
import os
import shutil
import tempfile

bind = f"0.0.0.0:{os.environ.get('PORT', '8000')}"
workers = int(os.environ.get("WEB_CONCURRENCY", "3"))
threads = int(os.environ.get("GUNICORN_THREADS", "2"))
timeout = 30
graceful_timeout = 20
# Workers are replaced now and then (a slow leak cannot grow for ever). Each replacement loads Django
# again (seconds), so not too often under a crowd served from the page cache (hundreds of requests a
# second), and spread widely so that the workers are never replaced together.
max_requests = 20000
max_requests_jitter = 10000
# Each request is logged once, by the application (logger ops.request: JSON with request id, host,
# commune, user id, duration); gunicorn's own access line would repeat it without those.
accesslog = None
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")

# Prometheus multiprocess mode (ops/metrics.py): every worker writes its request counters to files in
# this directory and /metrics adds them up. Set before the workers import prometheus_client; emptied
# when the server starts, so counts start from zero as they would in one process.
metrics_dir = os.environ.setdefault(
    "PROMETHEUS_MULTIPROC_DIR", os.path.join(tempfile.gettempdir(), f"cms-metrics-{bind.rsplit(':', 1)[1]}")
)


def on_starting(server):
    shutil.rmtree(metrics_dir, ignore_errors=True)
    os.makedirs(metrics_dir, exist_ok=True)


def child_exit(server, worker):
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)  # its gauges go; its counters stay in the totals
