"""Registration models: the works themselves, and the back office's records."""

from .aftercare import *  # noqa: F403
from .backoffice import *  # noqa: F403
from .field import *  # noqa: F403
from .incidents import *  # noqa: F403
from .parties import *  # noqa: F403
from .reports import *  # noqa: F403
from .works import *  # noqa: F403
