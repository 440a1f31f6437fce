"""A module whose names are not QTasks apps."""

from qtasks import QueueTasks  # noqa: F401

thing = 42


def make_thing() -> str:
    return "not an app"
