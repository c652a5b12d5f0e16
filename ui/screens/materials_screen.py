"""材料怎么交: without a document camera, each material needed at filing is promised (承诺后补),
brought to the assisting staff member (我带了材料), or the resident withdraws (不办了).

The choices shown are the journey's (``Journey.choices_for``): a promise only where the
catalogue allows it. "I brought it" is always shown, because residents bring papers; in
self-service the journey answers why a kiosk without a camera cannot take them.
"""

from __future__ import annotations

from PySide6.QtWidgets import QHBoxLayout, QVBoxLayout

from kiosk.journey import Step
from kiosk.materials import MaterialChoice
from ui.screens.base import Screen
from ui.widgets import button, clear_layout, label

_CHOSEN = {
    MaterialChoice.E_LICENCE: "✓ 已选：免提交（调取电子证照）",
    MaterialChoice.PROMISE: "✓ 已选：承诺后补",
    MaterialChoice.SEEN: "✓ 已选：工作人员已查看原件",
}


class MaterialsScreen(Screen):
    step = Step.MATERIALS
    title_text = "这些材料本机不能拍照，您想怎么办？"

    def build(self) -> None:
        self.intro = label(
            "本机没有高拍仪。下面的材料可以先承诺、以后补交（容缺受理），"
            "也可以请工作人员查看原件；都不合适，可以预约到窗口办理或申请上门服务。",
            "",
            "materials_intro",
        )
        self.body.addWidget(self.intro)
        self.rows = QVBoxLayout()
        self.rows.setSpacing(self.ctx.theme.spacing_px)
        self.body.addLayout(self.rows)
        self.body.addStretch(1)
        withdraw = button("不办了", "withdraw")
        withdraw.clicked.connect(self.journey.withdraw)
        self.action_bar.addWidget(withdraw)
        # No dead end (issue 13 item 4): where no choice fits, a window slot or a home visit.
        self.book = button("预约窗口 / 上门服务", "book_instead")
        self.book.clicked.connect(self.journey.book_instead)
        self.action_bar.addWidget(self.book)
        done = button("下一步 ›", "materials_done", "primary")
        done.clicked.connect(self.journey.materials_done)
        self.action_bar.addWidget(done)
        self._shown: tuple[str, ...] = ()

    def refresh(self) -> None:
        journey = self.journey
        self.book.setVisible(journey.bookings is not None)
        needed = journey.needed_here()
        key = tuple(
            [m.name for m in needed]
            + [str(journey.session.choices.get(m.name, "")) for m in needed]
            + [str(journey.assisted)]
        )
        if key != self._shown:
            clear_layout(self.rows)
            for i, material in enumerate(needed):
                self.rows.addWidget(
                    label(f"{i + 1}. 《{material.name}》", "heading", f"material_{i}")
                )
                offered = journey.choices_for(material)
                if MaterialChoice.E_LICENCE in offered:
                    self.rows.addWidget(
                        label(
                            f"可以免提交：经您同意，从电子证照库调取您的《{material.licence_type}》。",
                            "muted",
                            f"material_elicence_note_{i}",
                        )
                    )
                if MaterialChoice.PROMISE in offered:
                    days = material.promise_days
                    note = f"可承诺在{days}个工作日内补交（不超过本事项的办理时限）。"
                else:
                    note = "这项材料必须查看原件，不能承诺后补。"
                self.rows.addWidget(label(note, "muted", f"material_note_{i}"))
                chosen = journey.session.choices.get(material.name)
                if chosen is not None:
                    self.rows.addWidget(label(_CHOSEN[chosen], "ok", f"material_chosen_{i}"))
                row = QHBoxLayout()
                row.setSpacing(self.ctx.theme.spacing_px * 2)
                if MaterialChoice.E_LICENCE in offered:
                    fetch = button("免提交（调取电子证照）", f"elicence_{i}", "primary")
                    fetch.clicked.connect(
                        lambda _=False, n=material.name: journey.choose_material(
                            n, MaterialChoice.E_LICENCE
                        )
                    )
                    row.addWidget(fetch)
                if MaterialChoice.PROMISE in offered:
                    promise = button("承诺后补", f"promise_{i}", "primary")
                    promise.clicked.connect(
                        lambda _=False, n=material.name: journey.choose_material(
                            n, MaterialChoice.PROMISE
                        )
                    )
                    row.addWidget(promise)
                bring = button("我带了材料", f"bring_{i}")
                bring.clicked.connect(
                    lambda _=False, n=material.name: journey.choose_material(n, MaterialChoice.SEEN)
                )
                row.addWidget(bring)
                self.rows.addLayout(row)
            self._shown = key
        self.show_error()

    def wipe_personal(self) -> None:
        clear_layout(self.rows)
        self._shown = ()
