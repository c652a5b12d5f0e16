"""``kiosk print receipt`` prints the same paper as the touch screen and the staff console (14.1).

The CLI is the contract here, so it runs as a subprocess of the real ``kiosk``
command against a real data directory, printing to a PDF file.
"""

from __future__ import annotations

import dataclasses
import io
import os
import subprocess
import sys
from pathlib import Path

from pypdf import PdfReader

from kiosk.application import Applicant, Channel
from kiosk.catalogue import Material
from kiosk.core import KioskCore
from kiosk.staff import Role, ScryptParams
from kiosk.usecases import staff_auth
from kiosk.usecases.staff_auth import AuthConfig
from kiosk.usecases.submit import submit_application

ITEM = "RS-SY-001"
FAST = AuthConfig(scrypt=ScryptParams(n=2**10, r=8, p=1))


def _kiosk(home: Path, *argv: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "KIOSK_HOME": str(home)}
    return subprocess.run(
        [sys.executable, "-m", "app.cli", *argv],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def _pdf_text(path: Path) -> str:
    reader = PdfReader(io.BytesIO(path.read_bytes()))
    return "".join(page.extract_text() for page in reader.pages).replace(" ", "")


def test_cli_reprint_after_a_catalogue_update_lists_the_filed_versions_materials(
    kiosk_home: Path, tmp_path: Path
) -> None:
    core = KioskCore.open()
    try:
        staff_auth.add_staff(core, "1001", "李小梅", Role.STAFF, "246810", config=FAST)
        item = core.store.item(ITEM)
        assert item is not None
        filed = submit_application(
            core,
            ITEM,
            Applicant("张秀芳", "11010519491231002X", "13812345678", "浙江省杭州市西湖区龙井村3组"),
            {
                "phone": "13812345678",
                "address": "浙江省杭州市西湖区龙井村3组",
                "unemployed_date": "2026-10-01",
                "training": "想参加",
            },
            channel=Channel.ASSISTED,
            staff_id="1001",
            consent=True,
        )
        newer = dataclasses.replace(
            item,
            version=item.version + 1,
            materials=(Material("新版材料清单第一项", original=True),),
        )
        core.store.save_catalogue([newer])
        originals = [f"{m.name}（原件）" for m in item.materials if m.original]
    finally:
        core.close()
    assert originals
    out = tmp_path / "receipt.pdf"
    done = _kiosk(
        kiosk_home, "print", "receipt", filed.number, "--reprint", "--printer", f"pdf:{out}"
    )
    assert done.returncode == 0, done.stderr
    text = _pdf_text(out)
    assert "受理回执（补打）" in text and filed.number in text
    assert all(name in text for name in originals)
    assert "新版材料清单第一项" not in text
    assert "代办人：李小梅" in text
