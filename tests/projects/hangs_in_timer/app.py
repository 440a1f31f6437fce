"""The QTasks timer example, run at module level: the import blocks for ever."""

import os

from apscheduler.triggers.cron import CronTrigger
from qtasks import QueueTasks
from qtasks.timers import SyncTimer

app = QueueTasks(name="timed")


@app.task
def cleanup() -> None:
    """Clean up once a year, in a year that is far away."""


with open(os.environ["QTASKS_TEST_PID_FILE"], "a") as pids:
    pids.write(f"{os.getpid()}\n")

timer = SyncTimer(app=app)
timer.add_task(task_name="cleanup", trigger=CronTrigger(year=2999))
timer.run_forever()
