"""Plain functions the app registers as tasks."""


def resize(path: str, width: int = 640) -> str:
    """Resize one image."""
    return f"{path}@{width}"
