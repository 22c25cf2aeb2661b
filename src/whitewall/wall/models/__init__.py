from .words import *  # noqa: F403
