"""An app that starts its worker at import, unless it is being inspected."""

import os

from qtasks import QueueTasks

app = QueueTasks(name="guarded")


@app.task(name="guarded.work")
def work() -> None:
    """Do the work."""


if not os.environ.get("QTASKS_LSP_INSPECTING"):
    app.run_forever()
