"""The acme jobs, on a router."""

from qtasks import SyncRouter

router = SyncRouter()


@router.task(name="acme.report")
def report(day: str) -> str:
    """Build the report of one day."""
    return day
