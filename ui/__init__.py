"""The PySide6 touch UI. It calls the core's use cases and listens to device
events through signals; it never opens a port, a socket or a database itself."""

import PySide6.QtCore  # noqa: F401 - registers PySide6's import hook, replaced below

from ui.pyside_source_scan import scan_without_caching

scan_without_caching()
