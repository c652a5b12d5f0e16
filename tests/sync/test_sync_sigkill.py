"""The sync process is killed with SIGKILL at random moments while a queue with attachments
drains; in the end the platform holds every item exactly once, byte-identical."""

from __future__ import annotations

import os
import random
import selectors
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from kiosk.paths import DataDir
from kiosk.settings import Settings, save_settings
from kiosk.states import ApplicationState
from kiosk.store.outbox import Outbox
from sync.credentials import save_secret
from sync.testing.faultproxy import FaultProxy
from tests.sync.synchelpers import assert_platform_holds_exactly, fill_store, open_store

REPO = Path(__file__).resolve().parents[2]
KILLS = 50


def _spawn(home: Path) -> subprocess.Popen[bytes]:
    env = dict(os.environ, KIOSK_HOME=str(home))
    return subprocess.Popen(
        [sys.executable, "-m", "app.commands.sync_cmd", "--once", "--chunk-kb", "16"],
        cwd=REPO,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
    )


def _first_output(proc: subprocess.Popen[bytes], timeout: float) -> bool:
    """True once the child printed progress (it is draining), False if it exited or timed out."""
    assert proc.stdout is not None
    with selectors.DefaultSelector() as sel:
        sel.register(proc.stdout, selectors.EVENT_READ)
        return bool(sel.select(timeout)) and proc.poll() is None


@pytest.mark.slow
@pytest.mark.timeout(180)
def test_sigkill_at_random_moments_loses_and_duplicates_nothing(platform, tmp_path):
    rng = random.Random(20261123)
    home = tmp_path / "kiosk"
    data = DataDir(home).ensure()
    creds = platform.enrol()
    with FaultProxy(platform.running.port, latency_s=0.002, bandwidth_bps=1_000_000) as proxy:
        settings = Settings()
        save_settings(
            data.settings_file,
            settings.model_copy(
                update={
                    "platform": settings.platform.model_copy(
                        update={"url": proxy.url, "terminal_id": creds.terminal_id}
                    ),
                    "sync": settings.sync.model_copy(update={"batch_size": 10}),
                }
            ),
        )
        save_secret(data, creds.secret)
        store = open_store(home)
        fill_store(
            store, apps=30, files_per_app=2, file_size=48_000, ratings=10, requests=10, seed=1
        )

        kills = 0
        started = time.monotonic()
        pause = threading.Event()
        while kills < KILLS:
            proc = _spawn(home)
            try:
                if rng.random() < 0.2:
                    pause.wait(rng.uniform(0.0, 0.9))  # anywhere, start-up included
                elif not _first_output(proc, 30):
                    proc.wait(30)
                    # it drained the whole queue before we struck: give it more to do
                    fill_store(
                        store,
                        apps=5,
                        files_per_app=2,
                        file_size=48_000,
                        ratings=2,
                        requests=2,
                        seed=kills + 100,
                    )
                    continue
                else:
                    pause.wait(rng.uniform(0.0, 0.4))
                if proc.poll() is None:
                    proc.send_signal(signal.SIGKILL)
                    kills += 1
                proc.wait(30)
            finally:
                if proc.poll() is None:
                    proc.kill()
                    proc.wait(30)
                if proc.stdout is not None:
                    proc.stdout.close()
        kill_phase = time.monotonic() - started
        delivered_while_killing = len(platform.db.applications())
        print(
            f"{kills} kills in {kill_phase:.1f}s, {delivered_while_killing} applications "
            f"arrived meanwhile, {proxy.stats.requests} requests through the proxy"
        )
        assert delivered_while_killing > 0  # the kills struck a queue that was really draining

        final = _spawn(home)
        out, _ = final.communicate(timeout=120)
        assert final.returncode == 0, out.decode()

    assert Outbox(store).stats().depth == 0
    states = {r["state"] for r in store.conn.query("SELECT state FROM applications")}
    assert states == {ApplicationState.DONE.value}
    assert_platform_holds_exactly(platform.db, store)
    store.close()
    assert kills >= KILLS and kill_phase < 90, (kills, kill_phase)
