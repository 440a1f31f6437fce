"""An app built through the module alias `qt` and named `queue`."""

import qtasks as qt

queue = qt.QueueTasks(name="aliased")


@queue.task(name="aliased.add")
def add(a: int, b: int = 1) -> int:
    return a + b
