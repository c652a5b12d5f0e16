"""Child process for the crash test: submits and imports in a loop, reporting each return.

Each line printed means "this call returned": the parent then expects that
application (or that whole batch) to exist exactly once after a SIGKILL.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from kiosk.core import KioskCore
from kiosk.store import NewAttachment
from kiosk.usecases.import_csv import import_paper_forms
from kiosk.usecases.submit import submit_application
from tests.core.conftest import PENSION, ZHANG


def main() -> None:
    core = KioskCore.open()
    core.store.save_catalogue([PENSION])
    csv_path = Path(sys.argv[1])
    round_no = 0
    print("ready", flush=True)
    while True:
        round_no += 1
        if round_no % 3 == 0:
            # New rows each round (and each restarted child): re-importing the same rows is
            # (rightly) skipped as already done.
            fresh = csv_path.with_name(f"paper-{round_no}.csv")
            header, *rows = csv_path.read_text(encoding="utf-8").splitlines()
            fresh.write_text(
                "\n".join(
                    [f"{header},bank_account"]
                    + [
                        f"{row},6222{os.getpid():07d}{round_no:06d}{i}"
                        for i, row in enumerate(rows)
                    ]
                )
                + "\n",
                encoding="utf-8",
            )
            report = import_paper_forms(core, fresh, default_staff_id="S001")
            print("batch " + " ".join(report.queued), flush=True)
        else:
            application = submit_application(
                core,
                PENSION.code,
                ZHANG,
                {"grade": "300元", "household": "2"},
                [
                    NewAttachment(
                        "hukou_photo", "p.png", "image/png", f"scan {round_no}".encode() * 500
                    )
                ],
            )
            print("one " + application.number, flush=True)


if __name__ == "__main__":
    main()
