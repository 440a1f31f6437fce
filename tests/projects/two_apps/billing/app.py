"""The billing service's app."""

from qtasks import QueueTasks

app = QueueTasks(name="billing")


@app.task(name="billing.charge")
def charge(order_id: int, amount: float) -> None:
    """Charge one order."""
