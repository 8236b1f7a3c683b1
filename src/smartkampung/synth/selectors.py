from django.db.models import Count

from .models import SynthRun, SynthTruth


def synth_stats() -> dict:
    run = SynthRun.objects.order_by("-pk").first()
    if run is None:
        return {}
    truths = dict(SynthTruth.objects.filter(run=run).values_list("kind").annotate(n=Count("id")))
    return {"synth": {"seed": run.seed, "people": run.people, "households": run.households, "as_of": run.as_of.isoformat(), **{f"planted_{k}": v for k, v in sorted(truths.items())}}}
