"""The core's entry point: one object that holds a terminal's store, settings and calendar.

The UI, the CLI and the sync engine all get a :class:`KioskCore` from the
composition root and call use cases with it; none of them builds its own.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from kiosk.catalogue import load_sample_catalogue
from kiosk.paths import DataDir, data_dir
from kiosk.settings import Settings, load_settings
from kiosk.store import Store
from kiosk.store.db import ensure_data_dir
from kiosk.workdays import WorkCalendar, shipped_calendar


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


@dataclass
class KioskCore:
    data: DataDir
    settings: Settings
    store: Store
    calendar: WorkCalendar
    clock: Callable[[], dt.datetime] = field(default=utc_now)

    @classmethod
    def open(
        cls, data: DataDir | None = None, *, clock: Callable[[], dt.datetime] = utc_now
    ) -> KioskCore:
        """Open (and on first start, create) the terminal's data; seed the sample catalogue.

        The sample catalogue is only a starting point: the platform's catalogue
        replaces it at the first sync.
        """
        directory = ensure_data_dir(data or data_dir())
        settings = load_settings(directory.settings_file)
        store = Store(directory)  # typed StoreError: key missing/foreign, disk full, read-only...
        try:
            if store.catalogue_is_empty():
                store.save_catalogue(load_sample_catalogue())
            store.remove_orphan_files()
        except BaseException:
            store.close()
            raise
        return cls(directory, settings, store, shipped_calendar(), clock)

    def reload_settings(self) -> None:
        self.settings = load_settings(self.data.settings_file)

    def close(self) -> None:
        self.store.close()
