"""An app that reads its broker address from a required environment variable."""

import os

from qtasks import QueueTasks

app = QueueTasks(name="configured", broker_url=os.environ["QTASKS_TEST_REDIS_URL"])


@app.task(name="configured.ping")
def ping() -> str:
    return "pong"
