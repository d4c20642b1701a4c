"""Settings of the floor benchmark (bench/floor.py): the production settings, plus two baseline views.

Only bench/floor.py uses this module; the product never mounts the baselines."""

from hangzhou_integrity.settings.production import *  # noqa: F403

ROOT_URLCONF = "bench.floor_urls"
