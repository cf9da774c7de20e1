"""Pins the clock of every Python process the `make run` tests start (on PYTHONPATH): KARAVAN_TEST_NOW.

The worker, beat and the setup script run in processes of their own, out of reach of the test's
``time_machine``; Python imports ``sitecustomize`` at start-up, so each of them travels to the
same instant and lets time tick from there.
"""

import os

if os.environ.get("KARAVAN_TEST_NOW"):
    import time_machine

    time_machine.travel(os.environ["KARAVAN_TEST_NOW"], tick=True).start()
