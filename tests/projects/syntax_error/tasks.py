"""Tasks with a syntax error on line 7."""

from app import app


@app.task
def broken(x: int) -> int
    return x
