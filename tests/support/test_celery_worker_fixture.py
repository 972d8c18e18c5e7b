"""The real-worker fixture itself: it starts, answers, dies on SIGKILL and restarts."""

from __future__ import annotations

import pytest

from ecfmg_portal.celery import app as celery_app


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_it_runs_a_worker_that_can_be_killed_and_restarted(celery_worker):
    assert celery_worker.wait_for(lambda: celery_app.control.ping(timeout=1.0), what="a ping reply")
    celery_worker.kill()
    assert celery_worker.process is not None
    assert celery_worker.process.returncode == -9  # SIGKILL: no clean shutdown
    celery_worker.start()
    assert celery_worker.wait_for(lambda: celery_app.control.ping(timeout=1.0), what="a ping reply")
    assert celery_worker.starts == 2
