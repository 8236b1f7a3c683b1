"""What a synthetic run planted, so tests and benchmarks can check the platform finds exactly that."""

from django.db import models


class SynthRun(models.Model):
    seed = models.BigIntegerField()
    people = models.PositiveIntegerField()
    households = models.PositiveIntegerField()
    as_of = models.DateField()
    first_person_id = models.BigIntegerField()
    first_household_id = models.BigIntegerField()
    seconds = models.FloatField()
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"synth seed {self.seed}: {self.people:,} people"


class SynthTruth(models.Model):
    """One planted fact: a poor household, a deceased resident, a duplicate pair, an elderly person alone."""

    run = models.ForeignKey(SynthRun, on_delete=models.CASCADE, related_name="truths")
    kind = models.CharField(max_length=30)
    person_id = models.BigIntegerField(null=True, blank=True)
    other_person_id = models.BigIntegerField(null=True, blank=True)
    household_id = models.BigIntegerField(null=True, blank=True)
    enrolment_id = models.BigIntegerField(null=True, blank=True)
    detail = models.CharField(max_length=200, blank=True)

    class Meta:
        indexes = [models.Index(fields=["kind", "person_id"], name="synthtruth_kind_person")]

    def __str__(self) -> str:
        return f"{self.kind} {self.person_id or self.household_id}"
