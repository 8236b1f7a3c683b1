"""Background work for the upload page: stage and link one import (`smartkampung db_worker` runs it)."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django_tasks import task

from smartkampung.core.audit import Actor

from . import services
from .models import BatchStatus, ImportBatch


@task()
def import_and_link(batch_id: int, user_id: int | None, ip: str | None = None) -> dict:
    """Stage the uploaded file (resuming if an earlier attempt stopped) and link it to the registry.

    The page polls the batch row for progress; a failure is written on the batch (status "failed").
    """
    user = get_user_model().objects.filter(pk=user_id).first() if user_id else None
    actor = Actor(user=user, ip=ip, via="task", label="" if user else "system:task")
    batch = ImportBatch.objects.get(pk=batch_id)
    batch = services.batch_stage(actor=actor, batch=batch)
    if batch.status == BatchStatus.STAGED:
        run = services.link_run(actor=actor, batch=batch, include_registry=False)
        return {"batch": batch.pk, "run": run.pk, "summary": run.summary}
    return {"batch": batch.pk, "status": batch.status}


@task()
def refresh_registry_features() -> dict:
    """Bring the stored registry side of the model (RegistryFeatures) up to date, e.g. nightly, so the next
    link run only re-derives what changed since. Link runs refresh it themselves; this only moves the work."""
    from . import linking

    return {"residents": len(linking.registry_table())}
