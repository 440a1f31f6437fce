"""The app that pyproject.toml names; a second, unnamed app is ignored."""

from qtasks import QueueTasks

queue = QueueTasks(name="named")
other = QueueTasks(name="ignored")


@queue.task(name="named.run")
def run() -> None:
    """Run once."""
