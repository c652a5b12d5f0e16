"""ESC/POS rendering and parsing for 58 mm and 80 mm Chinese thermal printers."""
