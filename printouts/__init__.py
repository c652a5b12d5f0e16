"""Printed documents as pure functions: layouts build a document model, renderers
turn it into ESC/POS bytes or PDF. Sending bytes to a printer is a device's job."""
