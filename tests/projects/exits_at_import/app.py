"""An app that exits while it is imported, the way QTASKS_TEST_EXIT says."""

import os
import sys

from qtasks import QueueTasks

app = QueueTasks(name="quitter")

how = os.environ.get("QTASKS_TEST_EXIT", "os._exit(3)")
if how == "os._exit(3)":
    os._exit(3)
elif how == "sys.exit()":
    sys.exit()
elif how == "sys.exit(3)":
    sys.exit(3)
