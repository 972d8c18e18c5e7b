"""The task outbox: a task that cannot be handed to the broker is kept in the database
and re-sent once the broker is back, so a Redis outage never turns into a lost job
or a 500 page. See ``ecfmg_portal.outbox.celery_app.OutboxCelery``."""
