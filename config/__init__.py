"""Data shipped with the kiosk: the sample catalogue, the holiday calendars, the
default terminal configuration and sample card profiles. Data, not code."""
