"""开通向导: the technician's first start — platform, enrolment, technician account, device tests.

Pages: 1 platform address, one-time enrolment code, region code and station
name (enrolment runs off the GUI thread); 2 the first technician account, when
the terminal has none; 3 devices found and tested one by one (put a card on the
reader; print a test page); 4 done → ``finished`` locks the terminal into kiosk mode.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFormLayout, QHBoxLayout, QLineEdit, QStackedWidget

from kiosk.cardholder import CardHolder
from kiosk.core import KioskCore
from kiosk.errors import KioskError, ValidationError
from kiosk.identity import mask_name
from kiosk.staff import Role
from kiosk.usecases import staff_auth
from kiosk.usecases.staff_auth import DEFAULT_AUTH, AuthConfig
from sync.provisioning import (
    InvalidEnrolmentRequest,
    ProvisionRequest,
    ProvisionResult,
    check_request,
    enrol_terminal,
)
from ui.devices import CardReaderBridge
from ui.staff.common import Background, Page, digits_field
from ui.staff.printing import StaffPrinter
from ui.widgets import ErrorLabel, button, label

#: Enrolment as the wizard runs it (off the GUI thread): :func:`provision_with` in production.
Provision = Callable[[ProvisionRequest], ProvisionResult]


def provision_with(core: KioskCore) -> Provision:
    """The one enrolment (``sync.provisioning``, as ``kiosk provision``) on the running kiosk's store."""
    return lambda request: enrol_terminal(core.data, request, store=core.store)


def _text_field(name: str, placeholder: str) -> QLineEdit:
    field = QLineEdit()
    field.setObjectName(name)
    field.setPlaceholderText(placeholder)
    field.setAccessibleName(placeholder)
    return field


class ProvisioningWizard(QStackedWidget):
    """``finished()`` when the technician locks the terminal into kiosk mode."""

    finished = Signal()

    def __init__(
        self,
        core: KioskCore,
        provision: Provision,
        *,
        reader: CardReaderBridge | None,
        printer: StaffPrinter | None,
        auth: AuthConfig = DEFAULT_AUTH,
    ) -> None:
        super().__init__()
        self.setObjectName("provisioning_wizard")
        self.core = core
        self.provision = provision
        self.auth = auth
        self.reader = reader
        self.printer = printer
        self.result: ProvisionResult | None = None
        self.reader_ok = False
        self.printer_ok = False
        self._build_platform_page()
        self._build_technician_page()
        self._build_devices_page()
        self._build_done_page()
        self.worker = Background()
        self.worker.finished.connect(self._enrolled)
        if reader is not None:
            reader.card_inserted.connect(self._card)
        if printer is not None:
            printer.finished.connect(self._printed)

    # -- page 1 ----------------------------------------------------------------------------------

    def _build_platform_page(self) -> None:
        page = Page("开通向导 1/3：连接政务服务平台", "wizard_platform")
        form = QFormLayout()
        settings = self.core.settings
        self.url = _text_field("platform_url", "https://平台地址")
        self.url.setText(settings.platform.url)
        self.code = _text_field("enrol_code", "一次性注册码")
        self.region = digits_field("region_code", "行政区划代码（6、9 或 12 位）")
        self.region.setText(settings.terminal.region_code)
        self.station = _text_field("station_name", "服务站名称，如 石马村便民服务站")
        self.station.setText(settings.terminal.station_name)
        form.addRow(label("平台地址"), self.url)
        form.addRow(label("注册码"), self.code)
        form.addRow(label("行政区划代码"), self.region)
        form.addRow(label("服务站名称"), self.station)
        page.outer.addLayout(form)
        page.outer.addStretch(1)
        self.platform_error = ErrorLabel()
        page.outer.addWidget(self.platform_error)
        self.enrol_button = button("注册终端", "enrol", "primary")
        self.enrol_button.clicked.connect(self.enrol)
        page.outer.addWidget(self.enrol_button)
        self.platform_page = page
        self.addWidget(page)

    def enrol(self) -> None:
        """Check the fields at once (the same checks as ``kiosk provision``), then enrol off-thread."""
        typed = ProvisionRequest(
            self.url.text(), self.code.text(), self.region.text(), self.station.text()
        )
        try:
            request = check_request(typed)
        except InvalidEnrolmentRequest as exc:
            self.platform_error.show_message(str(exc))
            return
        self.platform_error.show_message("")
        self.enrol_button.setEnabled(False)
        self.enrol_button.setText("正在注册…")
        self.worker.run(lambda: self.provision(request))

    def _enrolled(self, result: object, exc: object) -> None:
        self.enrol_button.setEnabled(True)
        self.enrol_button.setText("注册终端")
        if not isinstance(result, ProvisionResult):
            message = (
                str(exc) if isinstance(exc, KioskError) else "注册失败，请导出日志联系技术支持。"
            )
            self.platform_error.show_message(message)
            return
        self.result = result
        self.code.clear()
        self.core.reload_settings()
        if staff_auth.needs_first_technician(self.core):
            self.setCurrentWidget(self.technician_page)
        else:
            self._to_devices()

    # -- page 2 ----------------------------------------------------------------------------------

    def _build_technician_page(self) -> None:
        page = Page("开通向导 2/3：技术人员账号", "wizard_technician")
        page.outer.addWidget(
            label("本终端还没有技术人员账号。维护模式需要用它的密码解锁。", "muted")
        )
        form = QFormLayout()
        self.tech_number = digits_field("tech_number", "工号")
        self.tech_name = _text_field("tech_name", "姓名")
        self.tech_pin = digits_field("tech_pin", "密码（6-12 位数字）", secret=True)
        self.tech_pin2 = digits_field("tech_pin2", "再输入一次密码", secret=True)
        form.addRow(label("工号"), self.tech_number)
        form.addRow(label("姓名"), self.tech_name)
        form.addRow(label("密码"), self.tech_pin)
        form.addRow(label("确认密码"), self.tech_pin2)
        page.outer.addLayout(form)
        page.outer.addStretch(1)
        self.tech_error = ErrorLabel()
        page.outer.addWidget(self.tech_error)
        save = button("创建账号", "create_technician", "primary")
        save.clicked.connect(self.create_technician)
        page.outer.addWidget(save)
        self.technician_page = page
        self.addWidget(page)

    def create_technician(self) -> None:
        if self.tech_pin.text() != self.tech_pin2.text():
            self.tech_error.show_message("两次输入的密码不一致。")
            return
        try:
            staff_auth.add_staff(
                self.core,
                self.tech_number.text(),
                self.tech_name.text(),
                Role.TECHNICIAN,
                self.tech_pin.text(),
                config=self.auth,
            )
        except ValidationError as exc:
            self.tech_error.show_message(exc.message)
            return
        self.tech_pin.clear()
        self.tech_pin2.clear()
        self._to_devices()

    # -- page 3 ----------------------------------------------------------------------------------

    def _build_devices_page(self) -> None:
        page = Page("开通向导 3/3：设备检测", "wizard_devices")
        self.reader_state = label("读卡器：未检测", "", "reader_state")
        self.printer_state = label("回执打印机：未检测", "", "printer_state")
        page.outer.addWidget(self.reader_state)
        test_reader = button("读卡测试", "test_reader")
        test_reader.clicked.connect(self.test_reader)
        page.outer.addWidget(test_reader)
        page.outer.addWidget(self.printer_state)
        test_printer = button("打印测试页", "test_printer")
        test_printer.clicked.connect(self.test_printer)
        page.outer.addWidget(test_printer)
        page.outer.addStretch(1)
        self.devices_error = ErrorLabel()
        page.outer.addWidget(self.devices_error)
        row = QHBoxLayout()
        self.finish_devices = button("下一步", "devices_next", "primary")
        self.finish_devices.clicked.connect(self._to_done)
        row.addWidget(self.finish_devices)
        page.outer.addLayout(row)
        self.devices_page = page
        self.addWidget(page)

    def _to_devices(self) -> None:
        self.setCurrentWidget(self.devices_page)

    def test_reader(self) -> None:
        if self.reader is None:
            self.reader_state.setText("✕ 读卡器：未配置")
            return
        self.reader_ok = False
        self.reader_state.setText("读卡器：请将身份证放在读卡区…")

    def _card(self, holder: CardHolder) -> None:
        if self.currentWidget() is not self.devices_page:
            return
        self.reader_ok = True
        self.reader_state.setText(f"✓ 读卡器：读卡成功（{mask_name(holder.name)}）")

    def test_printer(self) -> None:
        if self.printer is None:
            self.printer_state.setText("✕ 回执打印机：未配置")
            return
        self.printer_state.setText("回执打印机：正在打印测试页…")
        self.printer.print_test_page()

    def _printed(self, kind: str, ok: bool, message: str) -> None:
        if kind != "test_page":
            return
        self.printer_ok = ok
        self.printer_state.setText(
            "✓ 回执打印机：测试页已打印，请检查字迹是否清楚" if ok else f"✕ 回执打印机：{message}"
        )

    # -- page 4 ----------------------------------------------------------------------------------

    def _build_done_page(self) -> None:
        page = Page("开通完成", "wizard_done")
        self.done_summary = label("", "", "done_summary")
        page.outer.addWidget(self.done_summary)
        page.outer.addStretch(1)
        lock = button("进入自助服务模式", "lock_kiosk", "primary")
        lock.clicked.connect(self.finished.emit)
        page.outer.addWidget(lock)
        self.done_page = page
        self.addWidget(page)

    def _to_done(self) -> None:
        if not (self.reader_ok and self.printer_ok):
            missing = [
                n for n, ok in (("读卡器", self.reader_ok), ("打印机", self.printer_ok)) if not ok
            ]
            if self.devices_error.isHidden() or "仍要继续" not in self.devices_error.text():
                self.devices_error.show_message(
                    f"{'、'.join(missing)}尚未通过检测。再点一次“下一步”仍要继续。"
                )
                return
        settings = self.core.settings
        terminal = self.result.terminal_code if self.result else settings.terminal.code
        self.done_summary.setText(
            f"终端编号 {terminal}\n服务站 {settings.terminal.station_name}\n"
            f"行政区划代码 {settings.terminal.region_code}\n平台 {settings.platform.url}\n"
            f"读卡器 {'✓ 正常' if self.reader_ok else '✕ 未通过'}；"
            f"打印机 {'✓ 正常' if self.printer_ok else '✕ 未通过'}"
        )
        self.setCurrentWidget(self.done_page)
