"""The sync process is killed with SIGKILL at random moments while a queue with attachments
drains; in the end the platform holds every item exactly once, byte-identical.

Each killed process is forked from a pre-warmed zygote (tests/sync/zygote.py) running the
same code as ``kiosk sync --once``, so the 50+ kills take seconds, not an interpreter start
each; the final drain is a real ``python -m app.commands.sync_cmd --once`` process.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from kiosk.paths import DataDir
from kiosk.settings import Settings, save_settings, with_changes
from kiosk.states import ApplicationState
from kiosk.store.outbox import Outbox
from sync.credentials import save_secret
from sync.testing.faultproxy import FaultProxy
from tests.sync.synchelpers import assert_platform_holds_exactly, fill_store, open_store, wait_until

REPO = Path(__file__).resolve().parents[2]
KILLS = 60


class Zygote:
    def __init__(self, home: Path) -> None:
        env = dict(os.environ, KIOSK_HOME=str(home))
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "tests.sync.zygote"],
            cwd=REPO,
            env=env,
            text=True,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
        )

    def _ask(self, line: str) -> str:
        assert self.proc.stdin is not None and self.proc.stdout is not None
        self.proc.stdin.write(line + "\n")
        self.proc.stdin.flush()
        return self.proc.stdout.readline().split()[1]

    def fork(self) -> int:
        return int(self._ask("fork"))

    def reap(self, pid: int) -> int:
        return int(self._ask(f"reap {pid}"))

    def close(self) -> None:
        assert self.proc.stdin is not None and self.proc.stdout is not None
        self.proc.stdin.write("quit\n")
        self.proc.stdin.close()
        self.proc.wait(30)
        self.proc.stdout.close()


def _exited(pid: int) -> bool:
    """True once the child is a zombie or gone (it finished before we struck)."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] in ("Z", "X")
    except FileNotFoundError:
        return True


@pytest.mark.slow
@pytest.mark.timeout(240)
def test_sigkill_at_random_moments_loses_and_duplicates_nothing(platform, tmp_path):
    rng = random.Random(20261123)
    home = tmp_path / "kiosk"
    data = DataDir(home).ensure()
    creds = platform.enrol()
    with FaultProxy(platform.running.port, latency_s=0.002, bandwidth_bps=1_000_000) as proxy:
        settings = Settings()
        save_settings(
            data.settings_file,
            with_changes(
                settings,
                platform=with_changes(
                    settings.platform, url=proxy.url, terminal_id=creds.terminal_id
                ),
                sync=with_changes(settings.sync, batch_size=10),
            ),
        )
        save_secret(data, creds.secret)
        store = open_store(home)
        fill_store(
            store,
            apps=30,
            files_per_app=2,
            file_size=48_000,
            ratings=10,
            requests=10,
            seed=1,
            code=platform.code_of(creds),
        )

        zygote = Zygote(home)
        kills = refills = 0
        started = time.monotonic()
        pause = threading.Event()
        try:
            while kills < KILLS:
                before = proxy.stats.requests
                pid = zygote.fork()
                if rng.random() < 0.2:
                    pause.wait(rng.uniform(0.0, 0.05))  # anywhere, start-up included
                else:
                    # strike while it is talking to the platform
                    wait_until(
                        lambda before=before, pid=pid: (
                            proxy.stats.requests > before or _exited(pid)
                        ),
                        timeout=30,
                        what="the child's first request",
                    )
                    pause.wait(rng.uniform(0.0, 0.3))
                if _exited(pid):
                    zygote.reap(pid)
                    # it drained the whole queue before we struck: give it more to do
                    refills += 1
                    fill_store(
                        store,
                        apps=5,
                        files_per_app=2,
                        file_size=48_000,
                        ratings=2,
                        requests=2,
                        seed=100 + refills,
                        code=platform.code_of(creds),
                    )
                    continue
                os.kill(pid, signal.SIGKILL)
                status = zygote.reap(pid)
                assert os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL
                kills += 1
        finally:
            zygote.close()
        kill_phase = time.monotonic() - started
        delivered_while_killing = len(platform.db.applications())
        print(
            f"{kills} kills in {kill_phase:.1f}s, {refills} refills, {delivered_while_killing} "
            f"applications arrived meanwhile, {proxy.stats.requests} requests through the proxy"
        )
        assert delivered_while_killing > 0  # the kills struck a queue that was really draining

        proxy.bandwidth_bps = None  # the link recovers: the final drain need not crawl
        final = subprocess.run(
            [sys.executable, "-m", "app.commands.sync_cmd", "--once", "--chunk-kb", "16"],
            cwd=REPO,
            env=dict(os.environ, KIOSK_HOME=str(home)),
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert final.returncode == 0, final.stdout + final.stderr

    assert Outbox(store).stats().depth == 0
    states = {r["state"] for r in store.conn.query("SELECT state FROM applications")}
    assert states == {ApplicationState.DONE.value}
    assert_platform_holds_exactly(platform.db, store)
    store.close()
    assert kills >= KILLS
