"""A pre-warmed parent for the SIGKILL test: imports the sync command once, then forks a fresh
sync process per request, so 50+ kills cost milliseconds each instead of an interpreter start.

Protocol on stdin/stdout, one line each: ``fork`` → ``pid N``; ``reap N`` → ``status S``
(the raw wait status). The zygote itself opens no database and starts no thread before
forking, so each child starts as clean as ``python -m app.commands.sync_cmd --once``.
"""

from __future__ import annotations

import os
import sys

from app.commands import sync_cmd


def main() -> None:
    for line in sys.stdin:
        command, _, arg = line.strip().partition(" ")
        if command == "fork":
            pid = os.fork()
            if pid == 0:
                devnull = os.open(os.devnull, os.O_WRONLY)
                os.dup2(devnull, 1)
                os.dup2(devnull, 2)
                code = 1
                try:
                    code = sync_cmd.main(["--once", "--chunk-kb", arg or "16"])
                finally:
                    os._exit(code)
            print(f"pid {pid}", flush=True)
        elif command == "reap":
            _, status = os.waitpid(int(arg), 0)
            print(f"status {status}", flush=True)
        elif command == "quit":
            return


if __name__ == "__main__":
    main()
