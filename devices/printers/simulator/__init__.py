"""An ESC/POS printer on a pseudo-terminal, for tests, the demo mode and the dev dock."""
