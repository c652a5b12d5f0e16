"""Input engines for the on-screen keyboard: handwriting and phrase pinyin.

Each engine is a small Protocol with a real adapter over a native library
(zinnia for handwriting, librime for pinyin, both loaded with ctypes) and a
simple twin written in Python that tests and a machine without the library
use. Nothing here imports Qt: the keyboard in ``ui/`` drives these from its
own threads. Nothing a resident writes or types is kept: the engines hold no
history, and librime's user data lives in a temporary directory deleted at
exit with learning switched off.
"""
