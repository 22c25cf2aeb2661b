"""What the wall contributes to the platform registries, one module per area."""


def register() -> None:
    pass
