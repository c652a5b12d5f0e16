"""Document camera (高拍仪): photos of papers (户口簿, 证明) for attachment fields.

A tiny interface (:class:`~devices.camera.protocol.DocumentCamera`), a real
adapter that picks up the images the vendor's capture software drops in a
folder, and a simulator that draws a scanned-looking page. No Qt here: the UI
calls :meth:`capture` on a worker thread.
"""
