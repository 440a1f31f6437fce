"""An app that asks for 64 GiB at import time."""

from qtasks import QueueTasks

app = QueueTasks(name="hungry")
cache = bytearray(64 * 1024**3)
