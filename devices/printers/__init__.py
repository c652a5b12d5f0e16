"""Receipt (ESC/POS) and A4 (CUPS, PDF file) printers behind one typed interface.

Choose one with ``devices.printers.factory.open_printer(url)``; run jobs off
the GUI thread with ``devices.printers.worker.PrintWorker``.
"""
