"""The terminal's local store: the only package that contains SQL."""

from kiosk.store.store import (
    CatalogueChangedError,
    FilingItem,
    NewApplication,
    NewAttachment,
    Store,
)

__all__ = ["CatalogueChangedError", "FilingItem", "NewApplication", "NewAttachment", "Store"]
