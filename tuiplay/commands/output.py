"""The rich Console that the headless commands print their tables with."""

from __future__ import annotations

import errno

from rich.console import Console


class StdoutConsole(Console):
    """rich's Console on stdout, except at a closed pipe (`tuiplay train | head -1`): rich
    would exit with status 1; this raises BrokenPipeError, as print does, for cli.main to
    end quietly with the status a shell gives a command that SIGPIPE stopped."""

    def on_broken_pipe(self) -> None:
        raise BrokenPipeError(errno.EPIPE, "Broken pipe")
