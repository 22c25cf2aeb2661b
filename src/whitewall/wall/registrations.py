"""What the wall contributes to the platform registries, one module per area."""


def register() -> None:
    from whitewall.wall import (
        registrations_plan,
        registrations_review,
        registrations_wallpub,
        registrations_words,
    )

    registrations_words.register()
    registrations_wallpub.register()
    registrations_review.register()
    registrations_plan.register()
