"""Housekeeping tasks, shared by every app that is created after this import."""

from qtasks import shared_task


@shared_task(description="Delete carts nobody touched for a week.", tags=["cron"])
def cleanup_carts(days: int = 7) -> int:
    return days


@shared_task(name="reports:daily", priority=1)
def daily_report(day: str) -> str:
    """Build the sales report of one day."""
    return f"report for {day}"
