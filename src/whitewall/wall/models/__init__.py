"""The wall's models, one module per area; import from ``whitewall.wall.models``."""

from .posts import *  # noqa: F403
from .review import *  # noqa: F403
from .staff import *  # noqa: F403
from .words import *  # noqa: F403
