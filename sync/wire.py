"""Frozen, validated wire models on the standard library: what the protocol needs of pydantic.

``sync.protocol`` declares every message once, as classes of annotated fields with
:func:`Field` rules; the kiosk's client, the platform and the OpenAPI document all use
those classes. They were pydantic models, and an enrolled terminal paid ~13 MB for pydantic
and its compiled validators for 38 small messages (issue 16, goal 2). This module keeps the
part of pydantic's contract the protocol relies on, with the same names and the same JSON:

- building a model validates it: types read as pydantic's lax mode read them
  (``kiosk.lax``), ``ge``/``le``, ``min_length``/``max_length`` and ``pattern`` rules, no
  unknown keys, missing required fields named; every failure is one :class:`ValidationError`
  whose :meth:`~ValidationError.errors` give ``loc`` and ``msg`` (never the input: it may be
  personal data);
- ``model_validate``, ``model_validate_json``, ``model_dump`` (``mode="json"``),
  ``model_dump_json`` (compact, UTF-8, fields in declaration order), ``model_copy``;
- ``exclude_if`` leaves an optional field off the wire, so items hash the bytes they hashed
  before the field existed;
- :func:`models_json_schema` gives the JSON Schema pydantic gave for these types, so
  ``docs/openapi.json`` did not change when the models moved here.

The types it knows are the protocol's: ``str``, ``int``, ``float``, ``bool``,
``datetime.date``, ``Any``, ``Literal[...]``, ``StrEnum`` classes, models, ``list[X]``,
``dict[str, X]`` and ``X | None``. A model using anything else fails at its first use
(types are resolved then, once every class of its module exists).
"""

from __future__ import annotations

import datetime as dt
import inspect
import json
import math
import re
import sys
import types
from collections.abc import Callable, Iterator
from enum import StrEnum
from typing import Any, ClassVar, Literal, Self, Union, dataclass_transform, get_args, get_origin

from kiosk.lax import as_bool, as_float, as_int

_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_MISSING: Any = type("_Missing", (), {"__repr__": lambda self: "MISSING"})()


class _Invalid(Exception):
    """One value refused: the message and the kind of refusal (pydantic's error types)."""

    def __init__(self, msg: str, kind: str) -> None:
        super().__init__(msg)
        self.msg = msg
        self.kind = kind


class ValidationError(ValueError):
    """A message that does not fit its model; ``errors()`` lists where and why, in order."""

    def __init__(self, title: str, errors: list[dict[str, Any]]) -> None:
        self.title = title
        self._errors = errors
        lines = [f"{len(errors)} validation error{'s' if len(errors) != 1 else ''} for {title}"]
        for error in errors:
            lines.append(".".join(map(str, error["loc"])) or "(root)")
            lines.append(f"  {error['msg']} [type={error['type']}]")
        super().__init__("\n".join(lines))

    def errors(self) -> list[dict[str, Any]]:
        """Each refusal as ``{"loc": (...), "msg": "...", "type": "..."}``; no input values."""
        return [dict(error) for error in self._errors]


class FieldInfo:
    """A field's default and rules, as :func:`Field` declared them."""

    __slots__ = (
        "default",
        "description",
        "exclude_if",
        "ge",
        "le",
        "max_length",
        "min_length",
        "pattern",
    )

    def __init__(
        self,
        default: Any,
        *,
        ge: float | None,
        le: float | None,
        min_length: int | None,
        max_length: int | None,
        pattern: str | None,
        description: str | None,
        exclude_if: Callable[[Any], bool] | None,
    ) -> None:
        self.default = default
        self.ge = ge
        self.le = le
        self.min_length = min_length
        self.max_length = max_length
        self.pattern = pattern
        self.description = description
        self.exclude_if = exclude_if

    @property
    def required(self) -> bool:
        return self.default is _MISSING


def Field(  # noqa: N802 - pydantic's name, so the protocol's declarations read as before
    *,
    default: Any = _MISSING,
    ge: float | None = None,
    le: float | None = None,
    min_length: int | None = None,
    max_length: int | None = None,
    pattern: str | None = None,
    description: str | None = None,
    exclude_if: Callable[[Any], bool] | None = None,
) -> Any:
    """A field with a default (none: required) and rules checked whenever a model is built."""
    return FieldInfo(
        default,
        ge=ge,
        le=le,
        min_length=min_length,
        max_length=max_length,
        pattern=pattern,
        description=description,
        exclude_if=exclude_if,
    )


Check = Callable[[Any], Any]
"""Reads one value as its field's type (lax) and applies the field's rules, or raises."""


def _listed(values: list[Any]) -> str:
    shown = [repr(v) for v in values]
    return shown[0] if len(shown) == 1 else ", ".join(shown[:-1]) + " or " + shown[-1]


def _optional_inner(hint: Any) -> Any | None:
    """``X`` for ``X | None``; ``None`` for any other hint."""
    if get_origin(hint) in (Union, types.UnionType):
        args = [a for a in get_args(hint) if a is not type(None)]
        if len(args) == 1 and len(get_args(hint)) == 2:
            return args[0]
    return None


def _is_model(hint: Any) -> bool:
    return isinstance(hint, type) and issubclass(hint, WireModel)


def _is_enum(hint: Any) -> bool:
    return isinstance(hint, type) and issubclass(hint, StrEnum)


def _any(value: Any) -> Any:
    return value


def _str(value: Any) -> str:
    if not isinstance(value, str):
        raise _Invalid("Input should be a valid string", "string_type")
    return value if type(value) is str else str(value)


def _bool(value: Any) -> bool:
    read = as_bool(value)
    if read is None:
        raise _Invalid("Input should be a valid boolean", "bool_type")
    return read


def _int(value: Any) -> int:
    if isinstance(value, bool):
        return int(value)  # pydantic's lax mode took a flag as 0 or 1
    read = as_int(value)
    if read is not None:
        return read
    if isinstance(value, float) and math.isfinite(value):
        raise _Invalid(
            "Input should be a valid integer, got a number with a fractional part",
            "int_from_float",
        )
    raise _Invalid("Input should be a valid integer", "int_type")


def _float(value: Any) -> float:
    read = float(value) if isinstance(value, bool) else as_float(value)
    if read is None:
        raise _Invalid("Input should be a valid number", "float_type")
    return read


def _date(value: Any) -> dt.date:
    """A day: ``YYYY-MM-DD``, or (pydantic's lax mode) a datetime at exactly midnight."""
    if isinstance(value, str):
        try:
            if _DATE.fullmatch(value):
                return dt.date.fromisoformat(value)
            if not _DATE.match(value) or value[10:11] not in ("T", "t", " "):
                raise ValueError(value)
            value = dt.datetime.fromisoformat(value)
        except ValueError:
            raise _Invalid("Input should be a valid date", "date_parsing") from None
    if isinstance(value, dt.datetime):
        if value.time() != dt.time(0):
            raise _Invalid(
                "Datetimes provided to dates should have zero time - e.g. be exact dates",
                "date_from_datetime_inexact",
            )
        return value.date()
    if isinstance(value, dt.date):
        return value
    raise _Invalid("Input should be a valid date", "date_type")


_SIMPLE: dict[Any, Check] = {
    Any: _any,
    str: _str,
    bool: _bool,
    int: _int,
    float: _float,
    dt.date: _date,
}


def _enum_check(enum: type[StrEnum]) -> Check:
    members = {member.value: member for member in enum}
    expected = f"Input should be {_listed(list(members))}"

    def check_enum(value: Any) -> StrEnum:
        if isinstance(value, enum):
            return value
        if isinstance(value, str) and value in members:
            return members[value]
        raise _Invalid(expected, "enum")

    return check_enum


def _model_check(model: type[WireModel]) -> Check:
    def check_model(value: Any) -> WireModel:
        return value if isinstance(value, model) else model._from_mapping(value)

    return check_model


def _literal_check(allowed: tuple[Any, ...]) -> Check:
    expected = f"Input should be {_listed(list(allowed))}"

    def check_literal(value: Any) -> Any:
        for option in allowed:
            if type(value) is type(option) and value == option:
                return option
        raise _Invalid(expected, "literal_error")

    return check_literal


def _list_check(item_check: Check, owner: str) -> Check:
    def check_list(value: Any) -> list[Any]:
        if not isinstance(value, list | tuple):
            raise _Invalid("Input should be a valid list", "list_type")
        out = []
        failures: list[dict[str, Any]] = []
        for index, item in enumerate(value):
            try:
                out.append(item_check(item))
            except _Invalid as exc:
                failures.append({"loc": (index,), "msg": exc.msg, "type": exc.kind})
            except ValidationError as exc:
                failures.extend(_prefixed(exc.errors(), index))
        if failures:
            raise ValidationError(owner, failures)
        return out

    return check_list


def _dict_check(key_check: Check, value_check: Check, owner: str) -> Check:
    plain = key_check is _str and value_check is _any

    def check_dict(value: Any) -> dict[Any, Any]:
        if not isinstance(value, dict):
            raise _Invalid("Input should be a valid dictionary", "dict_type")
        if plain and all(type(key) is str for key in value):
            return dict(value)  # a catalogue item: copied, not walked
        out = {}
        failures: list[dict[str, Any]] = []
        for key, item in value.items():
            try:
                out[key_check(key)] = value_check(item)
            except _Invalid as exc:
                failures.append({"loc": (str(key),), "msg": exc.msg, "type": exc.kind})
            except ValidationError as exc:
                failures.extend(_prefixed(exc.errors(), str(key)))
        if failures:
            raise ValidationError(owner, failures)
        return out

    return check_dict


def _scalar_check(hint: Any, owner: str) -> Check:
    """The reader of one type, without the field's rules."""
    if hint in _SIMPLE:
        return _SIMPLE[hint]
    if _is_enum(hint):
        return _enum_check(hint)
    if _is_model(hint):
        return _model_check(hint)
    origin = get_origin(hint)
    if origin is Literal:
        return _literal_check(get_args(hint))
    if origin is list:
        (item_hint,) = get_args(hint)
        return _list_check(_check_for(item_hint, None, owner), owner)
    if origin is dict:
        key_hint, value_hint = get_args(hint)
        return _dict_check(
            _check_for(key_hint, None, owner), _check_for(value_hint, None, owner), owner
        )
    raise TypeError(f"{owner}: the wire models do not support the type {hint!r}")


def _prefixed(errors: list[dict[str, Any]], where: str | int) -> Iterator[dict[str, Any]]:
    for error in errors:
        yield {**error, "loc": (where, *error["loc"])}


def _length_rule(limit: int, *, at_least: bool) -> Callable[[Any], None]:
    """``min_length`` / ``max_length`` of a string (characters) or a list (items)."""
    bound, suffix = ("at least", "short") if at_least else ("at most", "long")

    def rule(value: Any) -> None:
        if (len(value) < limit) if at_least else (len(value) > limit):
            if isinstance(value, str):
                unit = "character" if limit == 1 else "characters"
                raise _Invalid(f"String should have {bound} {limit} {unit}", f"string_too_{suffix}")
            unit = "item" if limit == 1 else "items"
            raise _Invalid(
                f"List should have {bound} {limit} {unit} after validation", f"too_{suffix}"
            )

    return rule


def _ruled(check: Check, info: FieldInfo | None) -> Check:
    """``check`` followed by the field's rules (pydantic applies them to the non-null type)."""
    if info is None:
        return check
    rules: list[Callable[[Any], None]] = []
    if info.ge is not None:
        ge = info.ge

        def at_least(value: Any) -> None:
            if not value >= ge:
                raise _Invalid(
                    f"Input should be greater than or equal to {ge}", "greater_than_equal"
                )

        rules.append(at_least)
    if info.le is not None:
        le = info.le

        def at_most(value: Any) -> None:
            if not value <= le:
                raise _Invalid(f"Input should be less than or equal to {le}", "less_than_equal")

        rules.append(at_most)
    if info.min_length is not None:
        rules.append(_length_rule(info.min_length, at_least=True))
    if info.max_length is not None:
        rules.append(_length_rule(info.max_length, at_least=False))
    if info.pattern is not None:
        pattern = info.pattern
        regex = re.compile(pattern)
        anchored_end = pattern.endswith("$")

        def matches(value: Any) -> None:
            found = regex.search(value)
            # Python's ``$`` also matches before a final newline; pydantic's (Rust) does not.
            if found is None or (anchored_end and found.end() != len(value)):
                raise _Invalid(
                    f"String should match pattern '{pattern}'", "string_pattern_mismatch"
                )

        rules.append(matches)
    if not rules:
        return check

    def checked(value: Any) -> Any:
        read = check(value)
        for rule in rules:
            rule(read)
        return read

    return checked


def _check_for(hint: Any, info: FieldInfo | None, owner: str) -> Check:
    inner = _optional_inner(hint)
    if inner is None:
        return _ruled(_scalar_check(hint, owner), info)
    inner_check = _ruled(_scalar_check(inner, owner), info)

    def check_optional(value: Any) -> Any:
        return None if value is None else inner_check(value)

    return check_optional


def _dump(value: Any, json_mode: bool, text: bool = False) -> Any:
    """A field's value as ``model_dump`` gives it; ``text``: for JSON text, non-finite floats
    become ``null`` (pydantic's JSON has no NaN or Infinity; its ``mode="json"`` keeps them)."""
    if isinstance(value, WireModel):
        value = value._dumped(json_mode, text)
    elif isinstance(value, list):
        value = [_dump(item, json_mode, text) for item in value]
    elif isinstance(value, dict):
        value = {key: _dump(item, json_mode, text) for key, item in value.items()}
    elif json_mode:
        if isinstance(value, StrEnum):
            value = value.value
        elif isinstance(value, dt.date):
            value = value.isoformat()
        elif text and isinstance(value, float) and not math.isfinite(value):
            value = None
    return value


@dataclass_transform(kw_only_default=True, frozen_default=True, field_specifiers=(Field,))
class WireModel:
    """A frozen message: built only valid, compared by value, unknown keys refused."""

    __wire_fields__: ClassVar[dict[str, FieldInfo]] = {}
    __wire_checks__: ClassVar[dict[str, Check]] = {}
    __wire_hints__: ClassVar[dict[str, Any]] = {}
    __wire_annotations__: ClassVar[dict[str, tuple[Any, dict[str, Any]]]] = {}
    __wire_ready__: ClassVar[bool] = True

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        inherited = [c for c in cls.__mro__[1:] if issubclass(c, WireModel)]
        cls.__wire_fields__ = dict(inherited[0].__wire_fields__) if inherited else {}
        cls.__wire_annotations__ = dict(inherited[0].__wire_annotations__) if inherited else {}
        cls.__wire_hints__ = {}
        cls.__wire_checks__ = {}
        cls.__wire_ready__ = False  # types resolved at first use: later classes exist then
        module_globals = vars(sys.modules[cls.__module__])
        for name, annotation in inspect.get_annotations(cls).items():
            if name.startswith("_"):
                continue
            declared = cls.__dict__.get(name, _MISSING)
            info = declared if isinstance(declared, FieldInfo) else Field(default=declared)
            cls.__wire_fields__[name] = info
            cls.__wire_annotations__[name] = (annotation, module_globals)
            if name in cls.__dict__:
                delattr(cls, name)

    @classmethod
    def _prepare(cls) -> None:
        if cls.__dict__.get("__wire_ready__", True):
            return
        for name, info in cls.__wire_fields__.items():
            annotation, module_globals = cls.__wire_annotations__[name]
            hint = eval(annotation, module_globals) if isinstance(annotation, str) else annotation  # noqa: S307 - our own source's annotations
            cls.__wire_hints__[name] = hint
            cls.__wire_checks__[name] = _check_for(hint, info, cls.__name__)
        cls.__wire_ready__ = True

    def __init__(self, **data: Any) -> None:
        self._fill(data)

    @classmethod
    def _from_mapping(cls, data: Any) -> Self:
        if not isinstance(data, dict):
            raise _Invalid(
                f"Input should be a valid dictionary or instance of {cls.__name__}", "model_type"
            )
        made = cls.__new__(cls)
        made._fill(data)
        return made

    def _fill(self, data: dict[str, Any]) -> None:
        cls = type(self)
        cls._prepare()
        failures: list[dict[str, Any]] = []
        for name, info in cls.__wire_fields__.items():
            if name in data:
                try:
                    value = cls.__wire_checks__[name](data[name])
                except _Invalid as exc:
                    failures.append({"loc": (name,), "msg": exc.msg, "type": exc.kind})
                    continue
                except ValidationError as exc:
                    failures.extend(_prefixed(exc.errors(), name))
                    continue
            elif info.required:
                failures.append({"loc": (name,), "msg": "Field required", "type": "missing"})
                continue
            else:
                value = info.default
                if isinstance(value, list | dict):
                    value = value.copy()
            object.__setattr__(self, name, value)
        for key in data:
            if key not in cls.__wire_fields__:
                failures.append(
                    {
                        "loc": (key,),
                        "msg": "Extra inputs are not permitted",
                        "type": "extra_forbidden",
                    }
                )
        if failures:
            raise ValidationError(cls.__name__, failures)

    # --- pydantic's names --------------------------------------------------------------------

    @classmethod
    def model_validate(cls, data: Any) -> Self:
        if isinstance(data, cls):
            return data
        try:
            return cls._from_mapping(data)
        except _Invalid as exc:
            raise ValidationError(
                cls.__name__, [{"loc": (), "msg": exc.msg, "type": exc.kind}]
            ) from None

    @classmethod
    def model_validate_json(cls, data: str | bytes | bytearray) -> Self:
        try:
            parsed = json.loads(data)
        except (ValueError, RecursionError) as exc:  # JSONDecodeError and UnicodeDecodeError
            kind = "recursion_loop" if isinstance(exc, RecursionError) else "json_invalid"
            raise ValidationError(
                cls.__name__, [{"loc": (), "msg": "Invalid JSON", "type": kind}]
            ) from None
        return cls.model_validate(parsed)

    def model_dump(self, *, mode: Literal["python", "json"] = "python") -> dict[str, Any]:
        return self._dumped(mode == "json", False)

    def _dumped(self, json_mode: bool, text: bool) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for name, info in type(self).__wire_fields__.items():
            value = self.__dict__[name]
            if info.exclude_if is not None and info.exclude_if(value):
                continue
            out[name] = _dump(value, json_mode, text)
        return out

    def model_dump_json(self) -> str:
        return json.dumps(self._dumped(True, True), ensure_ascii=False, separators=(",", ":"))

    def model_copy(self, *, update: dict[str, Any] | None = None) -> Self:
        """A copy with ``update`` applied, not validated again (as pydantic's)."""
        made = type(self).__new__(type(self))
        for name in type(self).__wire_fields__:
            object.__setattr__(made, name, self.__dict__[name])
        for name, value in (update or {}).items():
            object.__setattr__(made, name, value)
        return made

    # --- a frozen value ----------------------------------------------------------------------

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError(f"{type(self).__name__} is frozen")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"{type(self).__name__} is frozen")

    def _values(self) -> tuple[Any, ...]:
        return tuple(self.__dict__[name] for name in type(self).__wire_fields__)

    def __eq__(self, other: object) -> bool:
        if type(other) is not type(self):
            return NotImplemented
        assert isinstance(other, WireModel)
        return self._values() == other._values()

    def __hash__(self) -> int:
        return hash((type(self), self._values()))

    def __repr__(self) -> str:
        shown = ", ".join(f"{name}={self.__dict__[name]!r}" for name in type(self).__wire_fields__)
        return f"{type(self).__name__}({shown})"


# --- JSON Schema -----------------------------------------------------------------------------


def _title(name: str) -> str:
    return name.replace("_", " ").title()


def _rules_schema(info: FieldInfo | None, kind: str) -> dict[str, Any]:
    if info is None:
        return {}
    out: dict[str, Any] = {}
    if info.ge is not None:
        out["minimum"] = info.ge
    if info.le is not None:
        out["maximum"] = info.le
    if kind == "array":
        if info.min_length is not None:
            out["minItems"] = info.min_length
        if info.max_length is not None:
            out["maxItems"] = info.max_length
    else:
        if info.min_length is not None:
            out["minLength"] = info.min_length
        if info.max_length is not None:
            out["maxLength"] = info.max_length
    if info.pattern is not None:
        out["pattern"] = info.pattern
    return out


class _SchemaBuilder:
    """pydantic's JSON Schema for these types ("validation" mode), refs by ``ref_template``."""

    def __init__(self, ref_template: str) -> None:
        self.ref_template = ref_template
        self.defs: dict[str, Any] = {}

    def ref(self, cls: type) -> dict[str, Any]:
        name = cls.__name__
        if name not in self.defs:
            self.defs[name] = {}  # placeholder: a model may refer to itself
            self.defs[name] = self.enum(cls) if _is_enum(cls) else self.model(cls)
        return {"$ref": self.ref_template.format(model=name)}

    @staticmethod
    def _described(kind: type, out: dict[str, Any]) -> dict[str, Any]:
        own = kind.__dict__.get("__doc__")
        if own:
            out["description"] = inspect.cleandoc(own)
        return out

    def enum(self, cls: type[StrEnum]) -> dict[str, Any]:
        return self._described(
            cls, {"enum": [m.value for m in cls], "title": cls.__name__, "type": "string"}
        )

    def model(self, cls: type[WireModel]) -> dict[str, Any]:
        cls._prepare()
        properties: dict[str, Any] = {}
        required: list[str] = []
        for name, info in cls.__wire_fields__.items():
            hint = cls.__wire_hints__[name]
            schema = self.schema(hint, info)
            inner = _optional_inner(hint) or hint
            if not (_is_model(inner) or _is_enum(inner)):
                schema["title"] = _title(name)
            if info.required:
                required.append(name)
            else:
                schema["default"] = _dump(info.default, True)
            if info.description is not None:
                schema["description"] = info.description
            properties[name] = schema
        out: dict[str, Any] = {
            "additionalProperties": False,
            "properties": properties,
            "title": cls.__name__,
            "type": "object",
        }
        if required:
            out["required"] = required
        return self._described(cls, out)

    def schema(self, hint: Any, info: FieldInfo | None) -> dict[str, Any]:
        simple = {str: "string", int: "integer", float: "number", bool: "boolean"}
        origin = get_origin(hint)
        inner = _optional_inner(hint)
        if hint is Any:
            out: dict[str, Any] = {}
        elif hint in simple:
            out = {"type": simple[hint], **_rules_schema(info, simple[hint])}
        elif hint is dt.date:
            out = {"format": "date", "type": "string"}
        elif _is_model(hint) or _is_enum(hint):
            out = self.ref(hint)
        elif origin is Literal:
            values = list(get_args(hint))
            kind = {str: "string", int: "integer", bool: "boolean"}[type(values[0])]
            out = {"const": values[0]} if len(values) == 1 else {"enum": values}
            out["type"] = kind
        elif origin is list:
            (item_hint,) = get_args(hint)
            out = {"items": self.schema(item_hint, None), "type": "array"}
            out.update(_rules_schema(info, "array"))
        elif origin is dict:
            value_hint = get_args(hint)[1]
            entries: Any = True if value_hint is Any else self.schema(value_hint, None)
            out = {"additionalProperties": entries, "type": "object"}
        elif inner is not None:
            out = {"anyOf": [self.schema(inner, info), {"type": "null"}]}
        else:
            raise TypeError(f"no JSON Schema for {hint!r}")
        return out


def models_json_schema(
    models: list[type[WireModel]], *, ref_template: str = "#/$defs/{model}"
) -> dict[str, Any]:
    """``{"$defs": {...}}``: every model given and every model and enum they refer to."""
    builder = _SchemaBuilder(ref_template)
    for model in models:
        builder.ref(model)
    return {"$defs": dict(sorted(builder.defs.items()))}
