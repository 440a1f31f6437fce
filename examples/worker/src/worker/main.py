"""The worker service's QTasks app, `worker.main:queue`."""

from qtasks.asyncio import QueueTasks as AsyncQueue

from .jobs import jobs

queue = AsyncQueue(name="worker")
queue.include_router(jobs)


@queue.task(name="feeds:refresh", retry=5, retry_on_exc=[ConnectionError])
async def refresh(feed_url: str) -> int:
    """Fetch a feed and store its new entries."""
    return len(feed_url)


async def schedule() -> None:
    await queue.add_task("feeds:refresh", "https://example.org/feed.xml")
    await queue.add_task(task_name="media.transcode", path="intro.mp4")
