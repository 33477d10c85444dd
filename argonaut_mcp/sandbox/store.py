"""The sandbox's application store: wire-shaped Application dicts, resourceVersion, watchers.

Every write bumps one global counter and stamps it on the written app as
`metadata.resourceVersion` (a decimal string), as the Kubernetes API server does for every
object kind. A write that changes nothing keeps the old version and emits no event.
Stored dicts are never changed in place: `update` stores a changed copy, so a dict handed
out (to a response, a watch event, a reader) stays a consistent snapshot.
"""

from __future__ import annotations

import copy
import itertools
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import anyio

AppKey = tuple[str, str]
"""(namespace, name) of an Application."""

App = dict[str, Any]


class Activity:
    """Counts HTTP requests being handled and watch events not yet written.

    `ManualClock.advance` reads it to decide whether the system has settled.
    """

    def __init__(self) -> None:
        self._busy = 0
        self._started = 0

    def busy(self) -> bool:
        return self._busy > 0

    def request_count(self) -> int:
        return self._started

    def request_started(self) -> None:
        self._started += 1
        self._busy += 1

    def enter(self) -> None:
        self._busy += 1

    def leave(self) -> None:
        self._busy -= 1


@dataclass(frozen=True)
class Change:
    """One write to the store, as a watch stream sends it; `application` must not be changed."""

    type: str
    key: AppKey
    application: App

    @property
    def resource_version(self) -> str:
        return self.application["metadata"]["resourceVersion"]


@dataclass(frozen=True)
class StreamControl:
    """A non-event item for a watch stream: end it, write an error line, or a keepalive."""

    kind: str
    error: dict[str, Any] | None = None


class Subscription:
    """The queue of one watch stream.

    While the stream waits on an empty queue it does not count as busy. `push()` marks it
    busy again at once, so `ManualClock.advance` waits until the stream has written the item
    and come back for the next one.
    """

    def __init__(self, activity: Activity, matches: Callable[[App], bool]) -> None:
        self.matches = matches
        self._activity = activity
        self._items: deque[Change | StreamControl] = deque()
        self._wakeup: anyio.Event | None = None
        self._parked = False
        self._last_sent: dict[AppKey, str] = {}

    def push(self, item: Change | StreamControl) -> None:
        self._items.append(item)
        if self._parked:
            self._parked = False
            self._activity.enter()
        if self._wakeup is not None:
            self._wakeup.set()

    async def next(self) -> Change | StreamControl:
        while not self._items:
            self._wakeup = anyio.Event()
            self._parked = True
            self._activity.leave()
            try:
                await self._wakeup.wait()
            finally:
                if self._parked:
                    self._parked = False
                    self._activity.enter()
        return self._items.popleft()

    def is_duplicate(self, change: Change) -> bool:
        """True when this stream already sent this app at this resourceVersion.

        Argo CD's watch drops such events, which its informer produces on every resync.
        """
        version = change.resource_version
        if self._last_sent.get(change.key) == version:
            return True
        self._last_sent[change.key] = version
        return False


def app_key(app: App) -> AppKey:
    metadata = app["metadata"]
    return metadata.get("namespace", "argocd"), metadata["name"]


class AppStore:
    """Applications by (namespace, name), the global resourceVersion, and watch fan-out."""

    def __init__(self, activity: Activity, first_version: int = 1000) -> None:
        self._apps: dict[AppKey, App] = {}
        self._versions = itertools.count(first_version + 1)
        self.resource_version = first_version
        self._activity = activity
        self._subscriptions: list[Subscription] = []
        self._write_listeners: list[Callable[[Change], None]] = []

    def __len__(self) -> int:
        return len(self._apps)

    def get(self, key: AppKey) -> App | None:
        """The stored app; callers must not change it (use `update`)."""
        return self._apps.get(key)

    def apps(self) -> list[App]:
        """Every app, sorted by name then namespace, as Argo CD's list returns them."""
        return sorted(self._apps.values(), key=lambda app: (app["metadata"]["name"], app["metadata"].get("namespace", "")))

    def keys(self) -> Iterator[AppKey]:
        return iter(list(self._apps))

    def add(self, app: App) -> App:
        """Store a new app; the store owns `app` from now on, so the caller must not change it."""
        key = app_key(app)
        if key in self._apps:
            raise ValueError(f"application {key[0]}/{key[1]} already exists")
        self._stamp(app)
        self._apps[key] = app
        self._publish(Change("ADDED", key, app))
        return app

    def update(self, key: AppKey, mutate: Callable[[App], None]) -> App | None:
        """Apply `mutate` to a copy of the app and store it; None when the app is missing."""
        current = self._apps.get(key)
        if current is None:
            return None

        changed = copy.deepcopy(current)
        mutate(changed)
        if changed == current:
            return current

        self._stamp(changed)
        self._apps[key] = changed
        self._publish(Change("MODIFIED", key, changed))
        return changed

    def remove(self, key: AppKey) -> App | None:
        current = self._apps.pop(key, None)
        if current is None:
            return None
        removed = copy.deepcopy(current)
        self._stamp(removed)
        self._publish(Change("DELETED", key, removed))
        return removed

    def resync(self) -> None:
        """Send every app again unchanged, as an informer resync does; watchers drop them."""
        for key, app in list(self._apps.items()):
            self._publish(Change("MODIFIED", key, app))

    def subscribe(self, matches: Callable[[App], bool]) -> Subscription:
        subscription = Subscription(self._activity, matches)
        self._subscriptions.append(subscription)
        return subscription

    def unsubscribe(self, subscription: Subscription) -> None:
        if subscription in self._subscriptions:
            self._subscriptions.remove(subscription)

    def subscriptions(self) -> list[Subscription]:
        return list(self._subscriptions)

    def on_write(self, listener: Callable[[Change], None]) -> None:
        self._write_listeners.append(listener)

    def _stamp(self, app: App) -> None:
        self.resource_version = next(self._versions)
        app["metadata"]["resourceVersion"] = str(self.resource_version)

    def _publish(self, change: Change) -> None:
        for listener in self._write_listeners:
            listener(change)
        for subscription in self._subscriptions:
            if subscription.matches(change.application):
                subscription.push(change)
