"""Asynchronous jobs, on a router of their own."""

from qtasks import AsyncRouter

jobs = AsyncRouter()


@jobs.task(name="media.transcode", priority=2, tags=["cpu"])
async def transcode(path: str, codec: str = "h264") -> str:
    """Transcode a video file."""
    return f"{path}.{codec}"


@jobs.task(name="media.frames")
async def frames(path: str, every: int = 10):
    """Yield frame numbers of a video, one in `every`."""
    for frame in range(0, 30, every):
        yield frame
