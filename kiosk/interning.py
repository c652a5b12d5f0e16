"""One object for each distinct value, kept only while something uses it.

A county's catalogue repeats the same form questions (姓名, 公民身份号码, 联系电话) and the same
materials (居民身份证, 户口簿) in thousands of items. Parsed item by item from the store, each
item held copies of its own, ~11 KB an item; the journey holds the whole catalogue for the
life of the process (issue 16, goal 2). :class:`Interner` hands back the object already made
for an equal value, so equal questions and materials are held once.
"""

from __future__ import annotations

import dataclasses
import sys
import threading
import weakref
from collections.abc import Hashable
from typing import Generic, TypeVar

T = TypeVar("T")


class Interner(Generic[T]):
    """Equal dataclass values share the first object made for them.

    Equal means every field equal *and of the same type* (:func:`_distinct`): 1 and 1.0
    compare equal in Python, but an item stored back (``item_to_dict``) must say what its own
    document said.
    The key is derived from the dataclass's fields, so a field added later takes part without
    anyone remembering to list it.

    Weak: an object no item holds any more (an item replaced by a newer catalogue) is
    dropped, so the table never outgrows what is in use. The values must accept weak
    references (``@dataclass(slots=True, weakref_slot=True)``). Safe from any thread.
    """

    def __init__(self) -> None:
        self._objects: weakref.WeakValueDictionary[Hashable, T] = weakref.WeakValueDictionary()
        self._names: dict[type, tuple[str, ...]] = {}
        self._lock = threading.Lock()

    def _key(self, made: T) -> Hashable:
        kind = type(made)
        names = self._names.get(kind)
        if names is None:
            names = self._names[kind] = tuple(f.name for f in dataclasses.fields(made))  # type: ignore[arg-type]
        # One flat tuple, as small as the object: the table keeps a key for every object alive.
        return (kind, *map(_distinct, map(made.__getattribute__, names)))

    def __call__(self, made: T) -> T:
        """The object already held for a value equal to ``made``, or ``made`` (now held)."""
        key = self._key(made)
        with self._lock:
            held = self._objects.get(key)
            if held is not None:
                return held
            self._objects[key] = made
            return made

    def __len__(self) -> int:
        return len(self._objects)


_BOOLS = {True: (bool, True), False: (bool, False)}


def _distinct(value: object) -> object:
    """``value`` as a key part that equals only values of its own type: True, 1 and 1.0 are
    equal in Python. Bools and floats are tagged (the bools' tags shared); others as they are."""
    kind = type(value)
    if kind is bool:
        return _BOOLS[value]  # type: ignore[index]
    if kind is float:
        return (float, value)
    return value


def text(value: T) -> T:
    """The one copy of a text many items repeat (a department, a label, a material's name);
    :func:`sys.intern` drops it again once nothing uses it. Anything but a ``str`` is
    returned as it is, for the caller's checks to refuse."""
    if isinstance(value, str) and type(value) is str:
        return sys.intern(value)  # type: ignore[return-value]  # T is str here
    return value
