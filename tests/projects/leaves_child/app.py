"""An app that starts a background process at import and leaves it running."""

import os
import subprocess

from qtasks import QueueTasks

app = QueueTasks(name="forgetful")


@app.task(name="forgetful.work")
def work() -> None:
    """Do the work."""


background = subprocess.Popen(["sleep", "1000000"])
with open(os.environ["QTASKS_TEST_PID_FILE"], "a") as pids:
    pids.write(f"{background.pid}\n")
