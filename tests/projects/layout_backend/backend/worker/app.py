"""An app in a package under backend/, a folder that is not on sys.path by default."""

from qtasks import QueueTasks

from worker.jobs import resize

app = QueueTasks(name="backend")
app.task(name="images.resize")(resize)
