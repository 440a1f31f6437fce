from orders.app import app, create, notify


def run(payload: dict) -> None:
    app.add_task("orders.craete", "bob", 1.0)
    app.add_task("orders.create", "bob")
    app.add_task("orders.create", "bob", 1.0, 2)
    app.add_task("orders.create", "bob", 1.0, colour=1)
    app.add_task("orders.create", "bob", 1.0, note="x", priority=3, timeout=2.0)
    app.add_task("orders.notify", 5)
    app.add_task("orders.notify", 5, 6)
    app.add_task("anything", 1, 2, x=3)
    app.add_task("orders.create", *payload["args"])
    create.add_task("bob")
    notify.add_task(order_id=1)
    create.add_task("bob", 2.0, "extra")
    print("orders.craete")
    notify.add_task("orders.craete")
