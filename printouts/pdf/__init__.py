"""PDF rendering (reportlab) for A4 forms and thermal-size slips."""
