"""An asyncio app imported under an alias and named `jobs`."""

from qtasks.asyncio import QueueTasks as Q

jobs = Q(name="async-jobs")


@jobs.task(name="fetch")
async def fetch(url: str) -> str:
    """Fetch one page."""
    return url
