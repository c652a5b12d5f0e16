"""Read-aloud: speech-dispatcher over its own protocol (the real adapter) and its twin."""
