"""A module with no QTasks app in it."""


def answer() -> int:
    return 1
