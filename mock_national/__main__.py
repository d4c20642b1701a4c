"""Run the stand-in alone: `python -m mock_national --port 8001` (migrates its SQLite file, then serves)."""

import argparse
import os
import sys


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m mock_national", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8001)
    arguments = parser.parse_args(argv)
    # Always the standalone settings: the portal's DJANGO_SETTINGS_MODULE may be set in the shell.
    os.environ["DJANGO_SETTINGS_MODULE"] = "mock_national.standalone_settings"

    import django
    from django.conf import settings
    from django.core.management import call_command

    django.setup()
    os.makedirs(os.path.dirname(settings.DATABASES["default"]["NAME"]) or ".", exist_ok=True)
    call_command("migrate", interactive=False, verbosity=1)
    print(f"National platform stand-in on http://{arguments.host}:{arguments.port}/mock-national/", flush=True)
    # Static files (the page's Bootstrap) are served by runserver itself: there is no web server in front.
    call_command(
        "runserver", f"{arguments.host}:{arguments.port}", use_reloader=False, insecure_serving=True, skip_checks=False
    )


if __name__ == "__main__":
    main(sys.argv[1:])
