"""An app that exists only once create_app() is called."""

from qtasks import QueueTasks


def create_app() -> QueueTasks:
    """Build the app and register its tasks."""
    app = QueueTasks(name="made")

    @app.task(name="made.hello")
    def hello(who: str) -> str:
        return f"hello {who}"

    return app
