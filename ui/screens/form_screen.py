"""填写申请: one question per screen, pre-filled from the card, the right keypad for the type.

With a document camera (高拍仪), an attachment field is a photo step: 拍照 (the
capture runs on the camera bridge's thread), the thumbnail, 重拍 / 下一步. A live
camera (``qt:``) shows its picture above 拍照 with a frame guide for an A4 page or a
card (``ui.camera_qt``); a missing one says so in place of the picture.
"""

from __future__ import annotations

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, Qt
from PySide6.QtGui import QImageReader, QPixmap
from PySide6.QtWidgets import (
    QGridLayout,
    QLayout,
    QLineEdit,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from kiosk.catalogue import FieldType, FormField
from kiosk.journey import Step, photo_prompt
from ui.camera_qt import guide_for
from ui.screens.base import Screen
from ui.widgets import ErrorLabel, Keyboard, NumberPad, button, clear_layout, label

_PAD_TYPES = {FieldType.NUMBER, FieldType.PHONE, FieldType.ID_NUMBER, FieldType.DATE}
THUMBNAIL_PX = 360


def thumbnail_of(content: bytes) -> QPixmap:
    """The photo at thumbnail size, decoded at that size: a JPEG decoder can skip most of a
    1240 × 1754 page (~2 ms against ~10 ms to decode it whole and then scale it down,
    every time the step is shown). Unreadable bytes give an empty picture, as before."""
    array = QByteArray(content)  # QBuffer keeps a pointer to it: it must outlive the read
    data = QBuffer(array)
    data.open(QIODevice.OpenModeFlag.ReadOnly)
    reader = QImageReader(data)
    size = reader.size()
    if size.isValid():
        reader.setScaledSize(
            size.scaled(THUMBNAIL_PX, THUMBNAIL_PX, Qt.AspectRatioMode.KeepAspectRatio)
        )
    return QPixmap.fromImage(reader.read())


CAPTURE_BUTTON_PX = 120  # the 拍照 button: twice a normal touch target


class FormScreen(Screen):
    step = Step.FORM
    title_text = "填写申请"

    def build(self) -> None:
        left, right = self.make_split()
        self.progress = label("", "muted", "progress")
        self.question = label("", "title", "question")
        self.hint = label("", "muted", "field_hint")
        self.prefilled = label("", "ok", "prefilled")
        for widget in (self.progress, self.question, self.hint, self.prefilled):
            left.addWidget(widget)
        self.field = QLineEdit()
        self.field.setObjectName("answer")
        self.field.setMinimumHeight(self.ctx.theme.target_px * 5 // 4)  # 100 px, 120 large
        left.addWidget(self.field)
        # The message sits right under the field it is about.
        self.field_error = ErrorLabel("field_error")
        left.addWidget(self.field_error)
        self.next_button = button("下一步 ›", "next", "primary")
        self.next_button.clicked.connect(lambda: self.journey.answer(self.field.text()))
        left.addWidget(self.next_button)
        left.addStretch(1)
        self.input_area = QVBoxLayout()
        if self.ctx.camera is not None:
            self.ctx.camera.status_changed.connect(self._camera_status_changed)
        self.input_area.setSpacing(self.ctx.theme.spacing_px)
        right.addLayout(self.input_area, 1)  # the keys take the height the screen has
        # What one question shows (its choices, the photo step) is built for it; the number
        # pads and the keyboard are built once and shown or hidden (building a keyboard for
        # every question was most of a 下一步 tap's time: ~45 keys created, styled, laid out).
        self.question_area = QVBoxLayout()
        self.question_area.setSpacing(self.ctx.theme.spacing_px)
        self.input_area.addLayout(self.question_area, 1)
        self._pads: dict[tuple[bool, bool], NumberPad] = {}
        self._keyboard: Keyboard | None = None

    def wipe_personal(self) -> None:
        self.field_error.show_message("")
        self.prefilled.clear()
        self._clear_question()

    def _clear_question(self) -> None:
        """Remove the last question's own widgets; hide the kept pads, the keyboard reset
        (nothing composing, no strokes: no letters carry over to the next question)."""
        clear_layout(self.question_area)
        for pad in self._pads.values():
            pad.hide()
        if self._keyboard is not None:
            self._keyboard.hide()
            self._keyboard.reset()

    def _pad(self, *, with_x: bool, with_dash: bool) -> NumberPad:
        key = (with_x, with_dash)
        pad = self._pads.get(key)
        if pad is None:
            pad = NumberPad(self.field, with_x=with_x, with_dash=with_dash)
            self.input_area.addWidget(pad, 1)
            self._grow(pad)
            self._pads[key] = pad
        return pad

    def _shown_keyboard(self) -> Keyboard:
        if self._keyboard is None:
            self._keyboard = Keyboard(self.field)
            self.input_area.addWidget(self._keyboard, 1)
        return self._keyboard

    def refresh(self) -> None:
        journey = self.journey
        session = journey.session
        questions = journey.questions()
        if not questions:
            return
        current = journey.current_field()
        self.progress.setText(f"第 {session.field_index + 1} 题，共 {len(questions)} 题")
        self.question.setText(current.label + ("" if current.required else "（可不填）"))
        self.hint.setText(current.hint)
        self.hint.setVisible(bool(current.hint))
        value = session.answers.get(current.key, "")
        self.field.setText(value)
        from_card = bool(current.prefill) and session.by_card and bool(value)
        self.prefilled.setText("✓ 已根据您的身份证自动填好，请核对。" if from_card else "")
        self.prefilled.setVisible(from_card)
        error = session.error
        self.field_error.show_message(error.message if error and error.field == current.key else "")
        self.error.show_message(error.message if error and error.field != current.key else "")
        self._clear_question()
        self._set_next_text("下一步 ›")
        if current.type is FieldType.ATTACHMENT:
            self._photo_step(current)
            return
        if current.type is FieldType.CHOICE:
            self.field.hide()
            self.next_button.setVisible(not current.required)
            grid = QGridLayout()
            grid.setSpacing(self.ctx.theme.spacing_px)
            for index, option in enumerate(current.options):
                mark = "● " if option == value else ""
                widget = button(
                    f"{mark}{option}", f"option_{index}", "primary" if mark else "secondary"
                )
                widget.clicked.connect(lambda _=False, o=option: self.journey.answer(o))
                grid.addWidget(widget, index // 2, index % 2)
            self.question_area.addLayout(grid)
            self._grow(grid)
            return
        self.field.show()
        self.next_button.show()
        if current.type in _PAD_TYPES:
            self._pad(
                with_x=current.type is FieldType.ID_NUMBER,
                with_dash=current.type is FieldType.DATE,
            ).show()
        else:
            self._shown_keyboard().show()
            self._fit_keyboards(self.landscape)

    def _grow(self, panel: QWidget | QLayout) -> None:
        """Keys and choices grow into the height the screen has (up to 1.6 targets),
        so the form uses its space in both modes instead of leaving half of it empty."""
        tallest = self.ctx.theme.target_px * 8 // 5
        if isinstance(panel, QWidget):
            widgets: list[QWidget | None] = list(panel.findChildren(QPushButton))
        else:
            items = [panel.itemAt(i) for i in range(panel.count())]
            widgets = [item.widget() for item in items if item is not None]
        for key in widgets:
            if isinstance(key, QPushButton):
                key.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
                key.setMaximumHeight(tallest)

    def _photo_step(self, current: FormField) -> None:
        """拍照 → thumbnail → 重拍 / 下一步; optional papers may be skipped."""
        photo = self.journey.session.photos.get(current.key)
        self.question.setText(photo_prompt(current) + ("" if current.required else "（可不拍）"))
        self.field.hide()
        self.next_button.show()
        if photo is None and not current.required:
            self._set_next_text("跳过 ›")
        camera = self.ctx.camera
        if photo is None:
            busy = camera is not None and camera.busy
            # A live camera (qt:) shows its picture with a frame guide for the paper.
            preview = camera.preview(guide_for(current.key, current.label)) if camera else None
            if preview is not None:
                self.question_area.addWidget(preview, 1)
            elif camera is not None and camera.live is not None:  # live, but missing or failed
                self.question_area.addWidget(label(camera.status_text, "error", "camera_status"))
            live_missing = camera is not None and camera.live is not None and preview is None
            capture = button("正在拍照…" if busy else "拍照", "capture", "primary")
            capture.setMinimumHeight(CAPTURE_BUTTON_PX)
            capture.setEnabled(camera is not None and not busy and not live_missing)
            capture.clicked.connect(lambda _=False, key=current.key: self._capture(key))
            self.question_area.addWidget(capture)
            if live_missing:
                self.question_area.addStretch(1)  # the message stays its own size, on top
            return
        thumbnail = label("", "", "thumbnail")
        thumbnail.setPixmap(thumbnail_of(photo.content))
        thumbnail.setAlignment(Qt.AlignmentFlag.AlignCenter)
        thumbnail.setAccessibleName(f"《{current.label}》的照片")
        self.question_area.addWidget(thumbnail)
        self.question_area.addWidget(label("✓ 已拍好，请核对照片是否清楚。", "ok", "photo_taken"))
        retake = button("重拍", "retake")
        retake.clicked.connect(self.journey.retake)
        self.question_area.addWidget(retake)

    def _camera_status_changed(self, _status: str) -> None:
        """A live camera came or went: the photo step on screen shows its picture or its state."""
        journey = self.journey
        if not self.isVisible() or journey.step is not Step.FORM or not journey.questions():
            return
        current = journey.current_field()
        if current.type is FieldType.ATTACHMENT and current.key not in journey.session.photos:
            self.refresh()

    def _set_next_text(self, text: str) -> None:
        self.next_button.setText(text)
        self.next_button.setAccessibleName(text)

    def _capture(self, field_key: str) -> None:
        camera = self.ctx.camera
        if camera is None:
            return
        camera.capture(field_key)
        self.refresh()  # shows 正在拍照… until the photo (or the failure) arrives

    def speech_text(self) -> str:
        text = super().speech_text()
        if self.field.isVisible() and self.field.text():
            text += f"。现在填写的是：{self.field.text()}"
        return text
