"""An app that starts a child process at import, then blocks for ever."""

import os
import subprocess
import time

from qtasks import QueueTasks

app = QueueTasks(name="parent")

child = subprocess.Popen(["sleep", "1000000"])
with open(os.environ["QTASKS_TEST_PID_FILE"], "a") as pids:
    pids.write(f"{os.getpid()}\n{child.pid}\n")

time.sleep(10**6)
