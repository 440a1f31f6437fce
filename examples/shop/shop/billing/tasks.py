"""Billing tasks, grouped on a router that the app includes."""

from qtasks import SyncRouter

router = SyncRouter()


@router.task(
    name="billing.charge",
    priority=3,
    retry=3,
    retry_on_exc=[TimeoutError],
    tags=["payments"],
)
def charge(order_id: int, amount: float, currency: str = "EUR") -> bool:
    """Charge the customer for an order."""
    return amount > 0


@router.task(max_time=30.0)
def refund(order_id: int, *, reason: str = "") -> None:
    """Give the money of an order back."""
