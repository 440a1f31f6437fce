from qtasks.asyncio import QueueTasks as Q

from pkg.jobs import router

broker = Q(name="async-app")
broker.include_router(router)


@broker.task(name="a.b:c.d")
async def colon() -> None:
    pass
