"""An app written for qtasks 1.5, which has no Stats component."""

from qtasks import QueueTasks

app = QueueTasks(name="legacy")


@app.task(name="legacy.hello", priority=2)
def hello(who: str) -> str:
    """Say hello."""
    return f"hello {who}"


@app.task()
def bye() -> None:
    """Say goodbye."""
