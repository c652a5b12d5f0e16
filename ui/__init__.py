"""The PySide6 touch UI. It calls the core's use cases and listens to device
events through signals; it never opens a port, a socket or a database itself."""
