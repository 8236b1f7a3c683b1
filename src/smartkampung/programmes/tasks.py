"""Background work of the programmes app (Django's tasks API; `smartkampung db_worker` runs them)."""

from __future__ import annotations

from django_tasks import task


@task()
def targeting_run_task(*, run_id: int) -> str:
    from .services import targeting_run_execute

    return targeting_run_execute(run_id=run_id).status
