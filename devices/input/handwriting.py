"""Handwriting recognition: the ink model, stroke normalisation and the recogniser Protocol.

A character is a list of strokes, each a list of (x, y) points in the pad's
pixels with y pointing down, plus the pad's width and height. Recognisers see
it after :func:`normalise`: the ink is moved to the centre of a fixed square
and scaled so its larger side fills it, because a resident writes small in a
corner as often as large in the middle, and zinnia's features are relative to
the box it is told about. Points closer together than a small step are dropped
so a slow finger (hundreds of touch events) and a fast one give the same shape.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

Point = tuple[float, float]
Stroke = tuple[Point, ...]

BOX = 1000  # the square the recognisers see (tegaki's models were trained on 1000 × 1000)
MARGIN = 100  # blank border inside BOX, as on a writing grid
_MIN_EXTENT = 0.25  # a dot or a short dash is not blown up to fill the whole box


class HandwritingUnavailable(RuntimeError):
    """The native recogniser or its model is not installed on this machine."""


@dataclass(frozen=True, slots=True)
class Ink:
    """One written character: strokes in drawing order inside a width × height pad."""

    width: float
    height: float
    strokes: tuple[Stroke, ...]

    @classmethod
    def from_lists(
        cls, width: float, height: float, strokes: Sequence[Sequence[Sequence[float]]]
    ) -> Ink:
        """Build from plain JSON-style lists, checking the shape (the CLI reads user files)."""
        if width <= 0 or height <= 0:
            raise ValueError("width and height must be positive")
        built: list[Stroke] = []
        for stroke in strokes:
            points: list[Point] = []
            for point in stroke:
                if len(point) != 2:
                    raise ValueError("each point is [x, y]")
                points.append((float(point[0]), float(point[1])))
            if points:
                built.append(tuple(points))
        return cls(float(width), float(height), tuple(built))

    def to_lists(self) -> dict[str, object]:
        return {
            "width": self.width,
            "height": self.height,
            "strokes": [[[x, y] for x, y in stroke] for stroke in self.strokes],
        }


@runtime_checkable
class HandwritingRecogniser(Protocol):
    """Turns ink into candidate characters, best first. Blocking: call off the GUI thread."""

    @property
    def name(self) -> str: ...

    def recognise(self, ink: Ink, limit: int = 10) -> list[str]:
        """Up to ``limit`` distinct characters, best first; [] for empty ink."""
        ...


def _bounds(strokes: Sequence[Stroke]) -> tuple[float, float, float, float]:
    xs = [x for stroke in strokes for x, _ in stroke]
    ys = [y for stroke in strokes for _, y in stroke]
    return min(xs), min(ys), max(xs), max(ys)


def _resample(stroke: Stroke, step: float) -> Stroke:
    """Points at least ``step`` apart, keeping the first and the last (corners survive
    because a finger turning a corner still moves ``step`` on each side of it)."""
    if len(stroke) < 2:
        return stroke
    kept = [stroke[0]]
    for point in stroke[1:-1]:
        if math.dist(point, kept[-1]) >= step:
            kept.append(point)
    last = stroke[-1]
    if math.dist(last, kept[-1]) > 0 or len(kept) == 1:
        kept.append(last)
    return tuple(kept)


def normalise(ink: Ink, box: int = BOX, margin: int = MARGIN) -> Ink:
    """The same character centred in a ``box`` square, its larger side scaled to fill it.

    The aspect ratio is kept (一 stays flat, 丨 stays thin), and ink smaller than a
    quarter of the pad is not enlarged beyond that, so a dot stays a dot.
    """
    strokes = [stroke for stroke in ink.strokes if stroke]
    if not strokes:
        return Ink(box, box, ())
    left, top, right, bottom = _bounds(strokes)
    pad_side = max(ink.width, ink.height)
    extent = max(right - left, bottom - top, pad_side * _MIN_EXTENT, 1e-6)
    scale = (box - 2 * margin) / extent
    cx, cy = (left + right) / 2, (top + bottom) / 2
    half = box / 2
    moved = [
        tuple((half + (x - cx) * scale, half + (y - cy) * scale) for x, y in stroke)
        for stroke in strokes
    ]
    step = box / 100
    return Ink(box, box, tuple(_resample(stroke, step) for stroke in moved))


def _direction_signature(stroke: Stroke) -> tuple[float, float, float, float]:
    (x0, y0), (x1, y1) = stroke[0], stroke[-1]
    return x0, y0, x1, y1


class TemplateRecogniser:
    """The twin: nearest template by stroke count, start and end points of each stroke.

    Good only for the few characters it is given (tests on a machine without
    zinnia); it shows the keyboard's flow, not real recognition.
    """

    name = "template"

    def __init__(self, templates: Sequence[tuple[str, Ink]]) -> None:
        self._templates = [(char, normalise(ink)) for char, ink in templates]

    def recognise(self, ink: Ink, limit: int = 10) -> list[str]:
        if not ink.strokes:
            return []
        probe = normalise(ink)
        scored: list[tuple[float, str]] = []
        for char, template in self._templates:
            penalty = abs(len(template.strokes) - len(probe.strokes)) * BOX
            distance = sum(
                math.dist(a[:2], b[:2]) + math.dist(a[2:], b[2:])
                for a, b in zip(
                    map(_direction_signature, probe.strokes),
                    map(_direction_signature, template.strokes),
                    strict=False,
                )
            )
            scored.append((penalty + distance, char))
        ranked = [char for _, char in sorted(scored)]
        return list(dict.fromkeys(ranked))[:limit]
