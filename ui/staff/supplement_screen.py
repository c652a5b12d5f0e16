"""补正材料: file the linked new version of an application the platform sent back.

What was sent is never edited: :func:`kiosk.usecases.queue_care.supplement`
files a new application that copies the old one, with the files staff attach
here replacing those of the same field. The resident confirms on the spot.
"""

from __future__ import annotations

import mimetypes
from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, Qt, Signal
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QCheckBox, QFileDialog, QHBoxLayout

from kiosk.catalogue import FieldType
from kiosk.core import KioskCore
from kiosk.errors import KioskError
from kiosk.staff import StaffSession
from kiosk.store import NewAttachment
from kiosk.usecases import queue_care
from ui.staff.common import Page
from ui.widgets import ErrorLabel, button, clear_layout, label

MAX_IMAGE_SIDE = 2000
"""Long side in pixels of a photo or scan after downscaling (enough to read a document)."""


def load_attachment(field_key: str, path: Path) -> NewAttachment:
    """A file for upload; photos are downscaled and re-encoded as JPEG (strips camera metadata)."""
    mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    if mime.startswith("image/"):
        image = QImage(str(path))
        if image.isNull():
            raise KioskError(f"无法读取图片：{path.name}")
        if max(image.width(), image.height()) > MAX_IMAGE_SIDE:
            image = image.scaled(
                MAX_IMAGE_SIDE,
                MAX_IMAGE_SIDE,
                Qt.AspectRatioMode.KeepAspectRatio,
                Qt.TransformationMode.SmoothTransformation,
            )
        data = QByteArray()
        buffer = QBuffer(data)
        buffer.open(QIODevice.OpenModeFlag.WriteOnly)
        image.save(buffer, "JPEG", quality=85)  # type: ignore[call-overload]
        buffer.close()
        return NewAttachment(field_key, path.stem + ".jpg", "image/jpeg", bytes(data.data()))
    return NewAttachment(field_key, path.name, mime, path.read_bytes())


class SupplementScreen(Page):
    """Emits ``filed(new application number)`` or ``cancelled()``."""

    filed = Signal(str)
    cancelled = Signal()

    def __init__(self, core: KioskCore) -> None:
        super().__init__("补正材料", "staff_supplement")
        self.core = core
        self.session: StaffSession | None = None
        self.original_id = ""
        self.files: dict[str, NewAttachment] = {}
        self.summary = label("", "", "original")
        self.reason = label("", "error", "reason")
        self.outer.addWidget(self.summary)
        self.outer.addWidget(self.reason)
        self.outer.addWidget(label("请补充或更换以下材料（未更换的沿用原件）：", "muted"))
        self.fields = QHBoxLayout()
        self.outer.addLayout(self.fields)
        self.chosen = label("", "", "chosen")
        self.outer.addWidget(self.chosen)
        self.outer.addStretch(1)
        self.consent = QCheckBox("申请人已当面确认，同意由工作人员代为补正")
        self.consent.setObjectName("consent")
        self.consent.setMinimumHeight(80)  # a touch target, not a 13-pixel box
        self.consent.setStyleSheet("QCheckBox::indicator { width: 48px; height: 48px; }")
        self.outer.addWidget(self.consent)
        self.error = ErrorLabel()
        self.outer.addWidget(self.error)
        row = QHBoxLayout()
        self.cancel_button = button("‹ 返回队列", "cancel")
        self.submit_button = button("提交补正", "submit_supplement", "primary")
        row.addWidget(self.cancel_button)
        row.addWidget(self.submit_button)
        self.outer.addLayout(row)
        self.cancel_button.clicked.connect(self.cancelled.emit)
        self.submit_button.clicked.connect(self.submit)

    def load(self, session: StaffSession, application_id: str) -> None:
        app = self.core.store.application(application_id)
        if app is None:
            raise KioskError("找不到这件申请。")
        self.session = session
        self.original_id = app.id
        self.files = {}
        self.consent.setChecked(False)
        self.error.show_message("")
        self.summary.setText(f"办件编号 {app.number} · {app.service_name}")
        self.reason.setText(f"平台意见：{app.state_reason or '（未说明）'}")
        clear_layout(self.fields)
        item = self.core.store.item(app.service_code, app.service_version)
        for form_field in item.form if item else ():
            if form_field.type is FieldType.ATTACHMENT:
                choose = button(f"选择“{form_field.label}”", f"choose_{form_field.key}")
                choose.clicked.connect(lambda _=False, k=form_field.key: self._choose(k))
                self.fields.addWidget(choose)
        self._show_chosen()

    def _choose(self, field_key: str) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, "选择材料文件", str(Path.home()), "图片或 PDF (*.jpg *.jpeg *.png *.pdf)"
        )
        if path:
            self.add_file(field_key, Path(path))

    def add_file(self, field_key: str, path: Path) -> None:
        try:
            self.files[field_key] = load_attachment(field_key, path)
        except (KioskError, OSError) as exc:
            self.error.show_message(str(exc))
            return
        self._show_chosen()

    def _show_chosen(self) -> None:
        names = [f"✓ {a.filename}" for a in self.files.values()]
        self.chosen.setText("  ".join(names) if names else "尚未选择新文件")

    def submit(self) -> None:
        if self.session is None:
            return
        if not self.consent.isChecked():
            self.error.show_message("请先请申请人本人确认同意代办。")
            return
        try:
            new = queue_care.supplement(
                self.core,
                self.session,
                self.original_id,
                None,
                list(self.files.values()),
                consent=True,
            )
        except KioskError as exc:
            self.error.show_message(str(exc))
            return
        self.filed.emit(new.number)
