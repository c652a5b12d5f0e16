"""The terminal's local store: the only package that contains SQL."""

from kiosk.store.store import NewApplication, NewAttachment, Store

__all__ = ["NewApplication", "NewAttachment", "Store"]
