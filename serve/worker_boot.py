"""What the workers' fork server imports (``serve.workers.PRELOAD``), never the app.

A new worker re-runs its parent's ``__main__`` module before its first call (that is how
``multiprocessing`` lets a child unpickle functions defined in a script). In a Streamlit
server ``__main__`` is the page script that ran last, so a worker would run a whole page.
The workers call only importable ``core`` functions, so the fork server, whose children
inherit this module's state, turns that step off before it forks any of them. It imports
nothing else: a worker imports ``core`` itself (once), and the fork server stays
small while the workers are retired between lectures.

The fork server lowers its scheduling priority (:data:`NICENESS`), and the workers inherit
it: when heavy views train on every core, the server process, which answers every student's
clicks and cached views, still gets the CPU first.
"""

import os
from multiprocessing import spawn

#: How much lower than the server the workers run (``os.nice``: 0 same, 19 lowest).
NICENESS = 10

os.nice(NICENESS)


def _keep_main(_main: str) -> None:
    """The worker's ``__main__`` stays the fork server's: nothing of the app's runs."""


spawn._fixup_main_from_path = _keep_main
spawn._fixup_main_from_name = _keep_main
