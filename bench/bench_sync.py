"""Sync over a rural link: batched delivery vs the bandwidth model vs one request per item,
and bytes re-sent when a 2 MB attachment is cut at 90 %.

Run: .venv/bin/python -m bench.bench_sync   (about two minutes; the slow part is the
one-request-per-application baseline, 100 round trips at 500 ms)

Everything goes through the fault proxy (sync/testing/faultproxy.py) to the real
reference platform on 127.0.0.1, in the same run:

1. 100 applications of ~2 KB JSON each, proxy at 250 ms each way (500 ms RTT) and
   256 kbit/s each way, on a kept-alive connection (warmed by one request first,
   as the engine's long-lived client is):
   - batched: one gzip request (what the engine sends with batch_size=100);
   - the model floor: wire bytes up / bandwidth + wire bytes down / bandwidth + one RTT;
   - one request per application (what a naive client does).
2. A 2 MB attachment cut (TCP reset) at 90 % of its bytes, uploaded by the engine in
   256 KiB chunks: bytes re-sent vs restarting from zero.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import random
import sys
import tempfile
import time
from pathlib import Path

from bench import cores
from central.db import CentralDB
from central.server import RunningPlatform
from kiosk.ids import uuid7
from kiosk.settings import SyncSettings
from sync.client import Credentials, PlatformClient, enrol
from sync.engine import EngineOptions, SyncEngine
from sync.protocol import Applicant, ApplicationUpload, BatchRequest, EnrolRequest, Outcome
from sync.signing import decode_secret
from sync.testing.faultproxy import Fault, FaultProxy

RTT_S = 0.5
BANDWIDTH_BPS = 256_000
N_APPS = 100
ATTACHMENT = 2 * 1024 * 1024
CHUNK = 256 * 1024

# Common characters, so the text compresses like real Chinese form answers, not like zeros.
_HANZI = "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面而方后多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两体制机当使点从业本去把性好应开它合还因由其些然前外天政四日那社义事平形相全表间样与关各重新线内数正心反你明看原又么利比或但质气第向道命此变条只没结解问意建月公无系军很情者最立代想已通并提直题党程展五果料象员革位入常文总次品式活设及管特件长求老头基资边流路级少图山统接知较将组见计别她手角期根论运农指几九区强放决西被干做必战先回则任取据处队南给色光门即保治北造百规热领七海口东导器压志世金增争济阶油思术极交受联什认六共权收证改清己美再采转更单风切打白教速花带安场身车例真务具万每目至达走积示议声报斗完类八离华名确才科张信马节话米整空元况今集温传土许步群广石记需段研界拉林律叫且究观越织装影算低持音众书布复容儿须际商非验连断深难近矿千周委素技备半办青省列习响约支般史感劳便团往酸历市克何除消构府称太准精值号率族维划选标写存候毛亲快效斯院查江型眼王按格养易置派层片始却专状育厂京识适属圆包火住调满县局照参红细引听该铁价严"


def _app(rng: random.Random, n: int) -> ApplicationUpload:
    text = "".join(rng.choice(_HANZI) for _ in range(560))  # ≈ 1.7 KB UTF-8, ≈ 2 KB as JSON
    return ApplicationUpload(
        id=str(uuid7()),
        number=f"330102-261123-{n:04d}-X",
        service_code="RS-YL-001",
        service_version=1,
        applicant=Applicant(
            name="王小明", id_number="11010519491231002X", phone="13800138000", address="杭州市某村"
        ),
        form={"reason": text, "grade": "一档"},
        attachments=[],
        channel="self_service",
        staff_id=None,
        consent=False,
        created_at="2026-11-23T02:00:00+00:00",
        local_seq=n,
        supersedes=None,
    )


def _enrol(platform: RunningPlatform) -> Credentials:
    code = platform.db.new_enrol_code()
    answer = enrol(platform.url, EnrolRequest(code=code, region_code="330102", station_name="站"))
    # The benchmark's numbers are 330102-…: give its one terminal that code, since the
    # platform refuses numbers under another terminal's code.
    with platform.db.backend.transaction() as tx:
        tx.execute(
            "UPDATE terminals SET terminal_code = '330102' WHERE terminal_id = ?",
            (answer.terminal_id,),
        )
    return Credentials(answer.terminal_id, decode_secret(answer.secret))


def bench_batch(platform: RunningPlatform, creds: Credentials) -> list[tuple[str, float, str]]:
    rng = random.Random(1)
    rows: list[tuple[str, float, str]] = []
    with FaultProxy(platform.port, latency_s=RTT_S / 2, bandwidth_bps=BANDWIDTH_BPS) as proxy:
        client = PlatformClient(proxy.url, creds)
        client.pull_statuses(0)  # warm the kept-alive connection
        apps = [_app(rng, i) for i in range(N_APPS)]
        raw = sum(len(a.model_dump_json().encode()) for a in apps)
        up0, down0 = proxy.stats.bytes_up, proxy.stats.bytes_down
        t0 = time.monotonic()
        ack = client.upload_batch(BatchRequest(applications=apps))
        batched = time.monotonic() - t0
        assert all(r.outcome is Outcome.ACCEPTED for r in ack.results)
        up, down = proxy.stats.bytes_up - up0, proxy.stats.bytes_down - down0
        model = (up + down) * 8 / BANDWIDTH_BPS + RTT_S

        singles = [_app(rng, 1000 + i) for i in range(N_APPS)]
        t0 = time.monotonic()
        for app in singles:
            client.upload_batch(BatchRequest(applications=[app]))
        one_by_one = time.monotonic() - t0
        client.close()
    rows.append(("JSON bytes of 100 applications (UTF-8)", raw, f"{raw // N_APPS} per application"))
    rows.append(("wire bytes up / down (gzip body + headers)", up, f"{down} down"))
    rows.append(("batched upload (s)", batched, ""))
    rows.append(
        ("model: bytes/bandwidth + 1 RTT (s)", model, f"batched/model = {batched / model:.2f}")
    )
    rows.append(
        ("one request per application (s)", one_by_one, f"= {one_by_one / batched:.1f} × batched")
    )
    return rows


def bench_cut(
    platform: RunningPlatform, creds: Credentials, tmp: Path
) -> list[tuple[str, float, str]]:
    """Cut the upload at 90 % with a TCP reset and let the engine resume it."""
    from kiosk.application import Applicant as KApplicant
    from kiosk.application import Channel
    from kiosk.catalogue import load_sample_catalogue
    from kiosk.ids import application_number
    from kiosk.paths import DataDir
    from kiosk.store import NewApplication, NewAttachment, Store

    store = Store(DataDir(tmp / "kiosk").ensure())
    store.save_catalogue(load_sample_catalogue())
    content = random.Random(2).randbytes(ATTACHMENT)
    item = store.item("RS-YL-001")
    assert item is not None
    store.submit(
        NewApplication(
            item=item,
            applicant=KApplicant(name="王小明", id_number="11010519491231002X"),
            form={"grade": "一档"},
            channel=Channel.SELF_SERVICE,
            staff_id=None,
            consent=False,
        ),
        [NewAttachment("hukou_photo", "户口本.jpg", "image/jpeg", content)],
        id_factory=lambda: str(uuid7()),
        # Another day than bench_batch's numbers: the platform refuses a number it already holds.
        number_factory=lambda seq: application_number("330102", dt.date(2026, 11, 24), seq),
        promised=lambda day: day,
    )
    with FaultProxy(platform.port, latency_s=0.01, bandwidth_bps=50_000_000) as proxy:
        client = PlatformClient(proxy.url, creds)
        engine = SyncEngine(store, client, SyncSettings(), options=EngineOptions(chunk_bytes=CHUNK))
        # Requests of the first round: catalogue, batch, attachment state, then PATCHes.
        cut_at = int(ATTACHMENT * 0.9)
        chunk_index = cut_at // CHUNK
        proxy.cut_fraction = (cut_at - chunk_index * CHUNK) / CHUNK
        proxy.schedule(*([Fault.NONE] * (3 + chunk_index)), Fault.RESET_REQUEST)
        engine.run_round()
        # The engine may resume the upload in the same round (it asks the platform for the
        # offset after a reset), so the proof of the cut is the proxy's count, not the round.
        assert proxy.stats.faults.get(Fault.RESET_REQUEST.value) == 1, "the cut did not happen"
        received_before = platform.db.attachment_progress(
            creds.terminal_id, hashlib.sha256(content).hexdigest()
        )
        assert engine.run_until_idle().ok
        patch_bytes = client.bytes_sent_by_method.get("PATCH", 0)
        client.close()
    assert platform.db.attachment_bytes(hashlib.sha256(content).hexdigest()) == content
    store.close()
    resent = patch_bytes - ATTACHMENT
    held = received_before.received if received_before is not None else ATTACHMENT
    return [
        ("attachment size (bytes)", ATTACHMENT, f"cut at {cut_at} (90 %) by a TCP reset"),
        ("platform held after the round with the cut (bytes)", held, "whole chunks only"),
        ("bytes re-sent after the cut", resent, f"{resent / ATTACHMENT:.1%} of the file"),
        ("bytes re-sent if restarting from zero", cut_at, f"{cut_at / max(resent, 1):.1f} × more"),
    ]


def main() -> int:
    cores.pin_from_argv()
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        db = CentralDB(tmp / "central.sqlite3")
        db.seed_catalogue_if_empty()
        platform = RunningPlatform(db)
        try:
            creds = _enrol(platform)
            rows = bench_batch(platform, creds) + bench_cut(platform, creds, tmp)
        finally:
            platform.stop()
    print(
        f"sync bench: {N_APPS} applications, RTT {RTT_S * 1000:.0f} ms, {BANDWIDTH_BPS // 1000} kbit/s"
    )
    print(f"| {'measure':<46} | {'value':>12} | note |")
    print(f"| {'-' * 46} | {'-' * 12}: | --- |")
    for name, value, note in rows:
        shown = f"{value:,.2f}" if isinstance(value, float) and value < 1000 else f"{int(value):,}"
        print(f"| {name:<46} | {shown:>12} | {note} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
