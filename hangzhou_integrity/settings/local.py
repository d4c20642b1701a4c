"""`make run` on a laptop: DEBUG on unless told otherwise, SQLite and the filesystem broker by default."""

from .base import *  # noqa: F403
from .base import env

DEBUG = env.bool("DEBUG", default=True)
