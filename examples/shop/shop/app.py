"""The shop's QTasks app: `qtasks -A shop.app:app run` starts its worker."""

from qtasks import QueueTasks

from shop import maintenance  # noqa: F401  (shared tasks register at app creation)
from shop.billing.tasks import router as billing

app = QueueTasks(name="shop", broker_url="redis://localhost:6379/0")
app.include_router(billing)


@app.task(name="emails.send", priority=5, tags=["io", "email"])
def send_email(to: str, subject: str, body: str = "") -> str:
    """Send one email through the mail relay."""
    return f"sent {subject!r} to {to}"


@app.task(name="orders.process", echo=True, retry=2, description="Charge an order, then mail the receipt.")
def process_order(self, order_id: int, email: str) -> None:
    self.add_task(order_id, 19.99, task_name="billing.charge")
    self.add_task(task_name="emails.send", to=email, subject="Your receipt")


@app.task
def ping() -> str:
    return "pong"


@app.task(name="photos.thumbnails")
def thumbnails(album: str):
    """Yield one thumbnail path per photo of an album."""
    for index in range(3):
        yield f"{album}/thumb-{index}.jpg"
