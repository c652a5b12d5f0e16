"""Layouts: pure functions from printouts.content data classes to a Document."""

from printouts.layouts.commitment import layout_commitment
from printouts.layouts.form import layout_form
from printouts.layouts.notice import layout_notice
from printouts.layouts.receipt import layout_receipt
from printouts.layouts.result import layout_result_notice
from printouts.layouts.summary import layout_daily_summary
from printouts.layouts.test_page import layout_test_page

__all__ = [
    "layout_commitment",
    "layout_daily_summary",
    "layout_form",
    "layout_notice",
    "layout_receipt",
    "layout_result_notice",
    "layout_test_page",
]
