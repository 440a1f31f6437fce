from dataclasses import dataclass

from pkg import main as m
from pkg.other import sync_app as s


@dataclass
class Row:
    task_name: str


async def send() -> None:
    s.add_task("sync.only", 1)
    s.add_task("jobs.run", "j")
    await m.broker.add_task("sync.only")
    await m.broker.add_task("jobs.run", "j")
    Row(task_name="from-database")
