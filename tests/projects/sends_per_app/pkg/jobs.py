from qtasks import AsyncRouter

router = AsyncRouter()


@router.task(name="jobs.run")
async def run(job: str) -> None:
    pass
