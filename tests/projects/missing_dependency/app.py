"""An app that needs a third-party package which is not installed."""

import acme_payments_sdk  # noqa: F401
from qtasks import QueueTasks

app = QueueTasks(name="payments")
