"""Messages to other systems (webhooks), sent through an outbox: apps queue, the outbox machinery sends.

A domain app may not import the outbox (sharing); it names where a message goes and queues it here, in
the transaction that changed what the message tells (the outbox pattern: the change and the message
commit together or not at all):

    # in the app's AppConfig.ready()
    outbound.register_destination("hotline_12345", url_setting="HOTLINE_WEBHOOK_URL",
                                  secret_setting="HOTLINE_WEBHOOK_SECRET")
    # inside the service's transaction
    outbound.enqueue(destination="hotline_12345", key="…unique per event…", payload={…},
                     ordering_key="complaint:42", owner=organization)

The outbox (sharing, which registers itself with `set_backend` in its own ready()) keeps one row per
key — queueing the same key twice queues it once — and sends each as a signed JSON POST, retried with
back-off until the destination answers 2xx; messages with the same `ordering_key` are sent one after the
other, in the order queued.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


@dataclass(frozen=True)
class Destination:
    name: str
    url_setting: str
    secret_setting: str

    @property
    def url(self) -> str:
        return getattr(settings, self.url_setting, "") or ""

    @property
    def secret(self) -> str:
        return getattr(settings, self.secret_setting, "") or ""

    @property
    def configured(self) -> bool:
        return bool(self.url)


_destinations: dict[str, Destination] = {}
_backend: list[Callable] = []


def register_destination(name: str, *, url_setting: str, secret_setting: str) -> Destination:
    destination = Destination(name, url_setting, secret_setting)
    _destinations[name] = destination
    return destination


def destination(name: str) -> Destination:
    try:
        return _destinations[name]
    except KeyError:
        raise LookupError(f"no outbound destination {name!r} is registered") from None


def destinations() -> list[Destination]:
    return list(_destinations.values())


def set_backend(backend: Callable) -> None:
    """`backend(destination=, key=, payload=, ordering_key=, owner=)` writes the outbox row."""
    _backend[:] = [backend]


def enqueue(*, destination: str, key: str, payload: dict, ordering_key: str, owner) -> None:
    """Queue one message in the caller's transaction (a rolled-back change leaves none)."""
    if destination not in _destinations:
        raise LookupError(f"no outbound destination {destination!r} is registered")
    if not _backend:
        raise ImproperlyConfigured("no outbox is installed for outbound messages (sharing registers one)")
    _backend[0](destination=destination, key=key, payload=payload, ordering_key=ordering_key, owner=owner)
