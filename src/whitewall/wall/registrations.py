"""What the wall contributes to the platform registries, one module per area."""


def register() -> None:
    from whitewall.wall import registrations_plan

    registrations_plan.register()
