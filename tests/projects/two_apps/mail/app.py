"""The mail service's app."""

from qtasks import QueueTasks

app = QueueTasks(name="mail")


@app.task(name="mail.send")
def send(to: str) -> None:
    """Send one email."""
