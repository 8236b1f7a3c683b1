"""The summary a link run prints (import --link and link)."""

def print_summary(command, run) -> None:
    command.stdout.write(f"Link run {run.pk} in {run.seconds:.1f} s")
    for batch_id, counts in run.summary.get("batches", {}).items():
        parts = ", ".join(f"{k} {v:,}" for k, v in counts.items() if k != "rows")
        command.stdout.write(f"  import {batch_id}: {counts.get('rows', 0):,} rows — {parts}")
    registry = run.summary.get("registry")
    if registry:
        command.stdout.write(f"  registry: {registry['residents']:,} residents, {registry['pairs']:,} possible duplicate pairs, {registry['review_items']:,} new review items")
