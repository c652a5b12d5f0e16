"""PC/SC chip-card reading (social-security and PBOC bank cards) through pyscard."""
