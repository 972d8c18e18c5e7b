"""Reusable test helpers shared by several apps (real Celery worker, ...)."""
