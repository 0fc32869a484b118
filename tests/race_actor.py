"""One side of a two-process race over queued updates, run as `python -m tests.race_actor ACTION START`.

ACTION is `apply` (one scheduler pass), `cancel` (cancel every pending update) or `edit` (give every pending
update a new headline, "<story> edited"); START is a Unix time to wait for, so both processes begin together
after Django has started. Prints one line per outcome: `applied N`, `cancelled ID`, `edited ID`, `refused ID`.
"""
import sys
import time

import django


def main(action: str, start: float) -> None:
    django.setup()
    from django.core.exceptions import ValidationError

    from articles import services
    from articles.models import Article, ScheduledUpdate
    from articles.scheduler import apply_due_updates

    # Cancels walk the stories in the scheduler's order (lock-step: every story is contended); edits, which are
    # quicker than applying, from the other end, so the two always meet somewhere.
    order = "article_id" if action == "cancel" else "-article_id"
    targets = list(ScheduledUpdate.objects.pending().order_by(order, "go_live_at", "id"))
    editor = services.COMMAND  # a desk action from another process; who acts is not what this race tests
    time.sleep(max(0.0, start - time.time()))
    if action == "apply":
        print(f"applied {apply_due_updates()}")
        return
    for update in targets:
        if action == "cancel":
            result = services.cancel_update(update, actor=editor)
            print(f"{'cancelled' if result.cancelled_at else 'refused'} {update.pk}")
        else:
            snap = dict(update.snapshot, headline=f"{Article.objects.get(pk=update.article_id).headline} edited")
            try:
                services.edit_update(update, snap, go_live_at=update.go_live_at, actor=editor)
                print(f"edited {update.pk}")
            except ValidationError:
                print(f"refused {update.pk}")


if __name__ == "__main__":
    main(sys.argv[1], float(sys.argv[2]))
