"""What the wall contributes to the platform registries (each part in its own module)."""


def register() -> None:
    from whitewall.wall import registrations_wallpub, registrations_words

    registrations_words.register()
    registrations_wallpub.register()
