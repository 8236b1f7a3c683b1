"""Background work for cases (django-tasks; `smartkampung db_worker` runs it). A cron line can enqueue it,
or call `smartkampung cases escalate` directly — the same service either way."""

from django_tasks import task

from smartkampung.core.audit import Actor

from .services import cases_escalate


@task()
def escalate_overdue() -> dict:
    return cases_escalate(actor=Actor.system("cases-escalate"))
