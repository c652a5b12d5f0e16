"""Content types: the slips' refusal to carry a full ID number.

Masking itself is the core's (``kiosk.identity``, tested in tests/core); paper
uses it through ``printouts.from_domain`` (tests/printouts/test_paper_content.py).
"""

from __future__ import annotations

import dataclasses

import pytest

from printouts import samples


def test_receipt_refuses_a_full_id_number() -> None:
    with pytest.raises(ValueError, match="full ID number"):
        dataclasses.replace(samples.receipt(), applicant_id_masked="330102199001012345")


def test_result_notice_refuses_a_full_id_number() -> None:
    with pytest.raises(ValueError, match="full ID number"):
        dataclasses.replace(samples.result_notice(), applicant_id_masked="330102199001012345")
