"""Named fault-injection points, for the tests that kill a build at a given moment: when
``WEIHAI_KG_FAULT`` names a point, the process kills itself there with SIGKILL, as a power
cut or the OOM killer would. A moment is then named, not guessed from a delay that drifts
with the machine's speed. Unset (always, outside those tests), a point does nothing.

A pause point holds the process there for a few seconds instead, for the tests that act on
a server at a given moment of its start (a stop while the web workers build the app)."""

from __future__ import annotations

import os
import signal
import time

ENV = "WEIHAI_KG_FAULT"
# The moments of a build, in order (build.py, store.py).
BUILD_POINTS = ("loaded", "validated", "store-written", "record-written", "link-made", "switched")


def point(name: str) -> None:
    if os.environ.get(ENV) == name:
        os.kill(os.getpid(), signal.SIGKILL)


def pause(name: str, seconds: float = 3.0) -> None:
    if os.environ.get(ENV) == name:
        time.sleep(seconds)
