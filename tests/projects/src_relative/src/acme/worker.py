"""The acme app; its tasks come from a sibling module through a relative import."""

from qtasks import QueueTasks

from .jobs import router

app = QueueTasks(name="acme")
app.include_router(router)
