"""Named fault-injection points, for the tests that kill a build at a given moment: when
``WEIHAI_KG_FAULT`` names a point, the process kills itself there with SIGKILL, as a power
cut or the OOM killer would. A moment is then named, not guessed from a delay that drifts
with the machine's speed. Unset (always, outside those tests), a point does nothing."""

from __future__ import annotations

import os
import signal

ENV = "WEIHAI_KG_FAULT"
# The moments of a build, in order (build.py, store.py).
BUILD_POINTS = ("loaded", "validated", "store-written", "record-written", "link-made", "switched")


def point(name: str) -> None:
    if os.environ.get(ENV) == name:
        os.kill(os.getpid(), signal.SIGKILL)
