import qtasks as qt

sync_app = qt.QueueTasks(name="sync-app")


@sync_app.task(name="sync.only")
def only(x: int) -> None:
    pass
