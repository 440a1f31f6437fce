"""An app whose module never finishes importing: it sleeps at module level."""

import os
import time

from qtasks import QueueTasks

app = QueueTasks(name="sleepy")


@app.task
def nap() -> None:
    """Never reached by an inspection: the import below does not return."""


with open(os.environ["QTASKS_TEST_PID_FILE"], "a") as pids:
    pids.write(f"{os.getpid()}\n")

time.sleep(10**6)
