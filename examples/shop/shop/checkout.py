"""Where the shop sends its tasks: every form of `add_task` QTasks offers."""

from shop.app import app, send_email
from shop.billing.tasks import charge


def place_order(order_id: int, email: str) -> None:
    app.add_task("orders.process", order_id, email, priority=4)
    app.add_task(task_name="photos.thumbnails", album=f"orders/{order_id}")
    send_email.add_task(email, "Thanks for your order")
    charge.add_task(order_id, 5.0, currency="USD")


def nightly() -> None:
    app.add_task("reports:daily", day="yesterday")
    app.add_task("cleanup_carts", days=14)
    app.add_task("ping")
