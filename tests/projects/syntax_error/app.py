"""An app whose task module does not parse."""

from qtasks import QueueTasks

app = QueueTasks(name="typo")

import tasks  # noqa: E402,F401
