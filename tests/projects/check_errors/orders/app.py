from qtasks import QueueTasks

app = QueueTasks(name="orders")


@app.task(name="orders.create", priority=2)
def create(customer: str, amount: float, *, note: str = "") -> None:
    """Create an order."""


@app.task(name="orders.notify", echo=True)
def notify(self, order_id: int) -> None:
    self.add_task(order_id, task_name="orders.create")


@app.task
def anything(*args, **kwargs) -> None:
    pass
