"""An app whose import never finishes: it sleeps at module level, after its tasks."""

import time

from qtasks import QueueTasks

app = QueueTasks(name="drowsy")


@app.task(name="naps.take", priority=7)
def take_nap() -> None:
    """Known from source only: an inspection never gets past the sleep below."""


time.sleep(10**6)
