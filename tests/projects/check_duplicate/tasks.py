from qtasks import QueueTasks

app = QueueTasks(name="dup")


@app.task(name="reports.build")
def build() -> None:
    pass


@app.task(name="reports.build")
def build_again() -> None:
    pass
