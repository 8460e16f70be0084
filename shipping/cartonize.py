"""Cartonization: propose the boxes for an order's picked items. Pure Python, no database.

A first-fit-decreasing heuristic with extreme-point placement (points projected onto what is
placed, so units rest on the floor or on others) and all six rotations, tried with several unit
orders and rotation preferences until one packs everything. For each new carton the smallest box
that holds everything still to pack wins, so an order that fits one box gets one box, the smallest
the packer fits it in; when none does, the box that takes the most volume is filled and the rest
goes on. Each carton is then downsized to the smallest box its contents fit in. Fewer boxes
first, then less box volume; weights include tare.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache
from itertools import permutations
from typing import NamedTuple

Dims = tuple[int, int, int]


@dataclass(frozen=True)
class Item:
    sku: str
    length_mm: int
    width_mm: int
    height_mm: int
    weight_g: int
    quantity: int
    own_container: bool = False

    def __post_init__(self) -> None:
        if min(self.length_mm, self.width_mm, self.height_mm) <= 0 or self.quantity <= 0:
            raise ValueError(f"{self.sku}: dimensions and quantity must be positive")
        if self.weight_g < 0:
            raise ValueError(f"{self.sku}: weight must not be negative")

    @property
    def dims(self) -> Dims:
        return (self.length_mm, self.width_mm, self.height_mm)


@dataclass(frozen=True)
class BoxType:
    code: str
    inner_length_mm: int
    inner_width_mm: int
    inner_height_mm: int
    max_weight_g: int
    tare_weight_g: int
    cost: Decimal

    @property
    def dims(self) -> Dims:
        return (self.inner_length_mm, self.inner_width_mm, self.inner_height_mm)

    @property
    def volume_mm3(self) -> int:
        return self.inner_length_mm * self.inner_width_mm * self.inner_height_mm


class Placement(NamedTuple):
    """One unit in a carton: its corner at (x, y, z) and its extent as rotated."""

    sku: str
    x: int
    y: int
    z: int
    length: int
    width: int
    height: int

    @property
    def volume_mm3(self) -> int:
        return self.length * self.width * self.height


@dataclass(frozen=True)
class Carton:
    """A box (None: the item ships in its own container), its contents and its gross weight
    (contents plus tare)."""

    box: BoxType | None
    placements: list[Placement]
    weight_g: int
    fill_rate: float


@dataclass(frozen=True)
class Proposal:
    cartons: list[Carton] = field(default_factory=list)
    unpacked: list[tuple[Item, str]] = field(default_factory=list)

    @property
    def box_volume_mm3(self) -> int:
        return sum(c.box.volume_mm3 for c in self.cartons if c.box is not None)


@dataclass(frozen=True)
class _Unit:
    sku: str
    dims: Dims
    weight_g: int

    @property
    def volume_mm3(self) -> int:
        return self.dims[0] * self.dims[1] * self.dims[2]


@cache
def _orientations(dims: Dims, size: Dims, mode: str) -> list[Dims]:
    """The unit's rotations in the order a placement tries them. "flat": flattest first (a low
    layer leaves the most room above); "tiled": the rotation whose sides divide the box's with
    the least left over first (units of one kind then tile it); "upright": tallest first."""
    rotations = {(a, b, c) for a, b, c in permutations(dims)}

    def waste(d: Dims) -> float:
        return sum((side % extent) / side for side, extent in zip(size, d, strict=True))

    keys = {
        "flat": lambda d: (d[2], -d[0], -d[1]),
        "tiled": lambda d: (waste(d), d[2], -d[0]),
        "upright": lambda d: (-d[2], -d[0], -d[1]),
    }
    return sorted(rotations, key=keys[mode])


ORIENTATION_MODES = ("flat", "tiled", "upright")


def _fits(dims: Dims, box: BoxType) -> bool:
    return all(a <= b for a, b in zip(sorted(dims), sorted(box.dims), strict=True))


def _overlaps(a: Placement, b: Placement) -> bool:
    return (
        a.x < b.x + b.length
        and b.x < a.x + a.length
        and a.y < b.y + b.width
        and b.y < a.y + a.width
        and a.z < b.z + b.height
        and b.z < a.z + a.height
    )


Packing = tuple[list[Placement], list[_Unit], list[_Unit]]

# The unit orders a box is tried with, first success wins: big units first leave the small ones
# for the gaps; tall first builds even layers; a wide base first lays a floor.
ORDERINGS = (
    lambda u: (u.volume_mm3, max(u.dims)),
    lambda u: (max(u.dims), u.volume_mm3),
    lambda u: (sorted(u.dims)[1] * sorted(u.dims)[2], u.volume_mm3),
    lambda u: (min(u.dims), u.volume_mm3),
)


def _pack(box: BoxType, units: list[_Unit], mode: str = "flat") -> Packing:
    """Place units in the given order, each at the lowest, then rearmost, then leftmost free
    extreme point (Crainic, Perboli and Tadei's points, projected down and back onto what is
    already placed, so every unit rests on the floor or on another); return the placements,
    the units placed and the units that did not go in."""
    placed: list[Placement] = []
    packed: list[_Unit] = []
    left: list[_Unit] = []
    points: set[Dims] = {(0, 0, 0)}
    weight = box.tare_weight_g
    size = box.dims
    for unit in units:
        spot = None
        if weight + unit.weight_g <= box.max_weight_g and _fits(unit.dims, box):
            spot = _find_spot(unit, placed, points, size, mode)
        if spot is None:
            left.append(unit)
            continue
        placed.append(spot)
        packed.append(unit)
        weight += unit.weight_g
        points.discard((spot.x, spot.y, spot.z))
        points.update(_extreme_points(spot, placed))
    return placed, packed, left


def _extreme_points(new: Placement, placed: list[Placement]) -> set[Dims]:
    """The corners the new unit adds, each also slid along the axes toward the box's origin
    until it meets a unit or a wall."""
    x, y, z = new.x + new.length, new.y + new.width, new.z + new.height
    corners = {
        (x, new.y, new.z): (1, 2),  # beside it: slide back (y) and down (z)
        (new.x, y, new.z): (0, 2),  # behind it: slide left (x) and down
        (new.x, new.y, z): (0, 1),  # on top of it: slide left and back
    }
    points: set[Dims] = set()
    for corner, axes in corners.items():
        points.add(corner)
        for axis in axes:
            points.add(_slide(corner, axis, placed))
    return points


def _slide(point: Dims, axis: int, placed: list[Placement]) -> Dims:
    """`point` moved toward 0 along `axis` to the nearest face of a placed unit (or the wall)."""
    stop = 0
    for p in placed:
        low = (p.x, p.y, p.z)
        high = (p.x + p.length, p.y + p.width, p.z + p.height)
        if high[axis] > point[axis]:
            continue
        if all(low[a] <= point[a] < high[a] for a in range(3) if a != axis):
            stop = max(stop, high[axis])
    moved = list(point)
    moved[axis] = stop
    return (moved[0], moved[1], moved[2])


def _pack_any(box: BoxType, units: list[_Unit]) -> Packing:
    """The first packing of every unit over the orientation modes and unit orderings; else the
    one that packs the most volume (ties to the first tried)."""
    best: Packing | None = None
    best_volume = -1
    for mode in ORIENTATION_MODES:
        for key in ORDERINGS:
            packing = _pack(box, sorted(units, key=key, reverse=True), mode)
            if not packing[2]:
                return packing
            volume = sum(p.volume_mm3 for p in packing[0])
            if volume > best_volume:
                best, best_volume = packing, volume
    assert best is not None
    return best


def packs_into(items: list[Item], box: BoxType) -> bool:
    """True when every unit of the items fits the one box together (as the engine packs it)."""
    units = [_Unit(i.sku, i.dims, i.weight_g) for i in items for _ in range(i.quantity)]
    return not _pack_any(box, units)[2]


def _find_spot(
    unit: _Unit, placed: list[Placement], points: set[Dims], size: Dims, mode: str
) -> Placement | None:
    orientations = _orientations(unit.dims, size, mode)
    for x, y, z in sorted(points, key=lambda p: (p[2], p[1], p[0])):
        for length, width, height in orientations:
            if x + length > size[0] or y + width > size[1] or z + height > size[2]:
                continue
            candidate = Placement(unit.sku, x, y, z, length, width, height)
            if not any(_overlaps(candidate, other) for other in placed):
                return candidate
    return None


def _carton(box: BoxType, placements: list[Placement], units: list[_Unit]) -> Carton:
    contents = sum(p.volume_mm3 for p in placements)
    weight = box.tare_weight_g + sum(u.weight_g for u in units)
    return Carton(box, placements, weight, contents / box.volume_mm3)


def _unfit_reason(item: Item, boxes: list[BoxType]) -> str | None:
    if not boxes:
        return "no box types to pack into"
    roomy = [b for b in boxes if _fits(item.dims, b)]
    if not roomy:
        length, width, height = item.dims
        return f"{length}x{width}x{height} mm fits no box in any orientation"
    if all(item.weight_g + b.tare_weight_g > b.max_weight_g for b in roomy):
        return f"{item.weight_g} g is over the weight limit of every box it fits in"
    return None


def _downsize(carton: Carton, units: list[_Unit], boxes: list[BoxType]) -> Carton:
    assert carton.box is not None
    contents_volume = sum(u.volume_mm3 for u in units)
    contents_weight = sum(u.weight_g for u in units)
    for box in boxes:
        if box.volume_mm3 >= carton.box.volume_mm3:
            break
        if (
            box.volume_mm3 < contents_volume
            or contents_weight + box.tare_weight_g > box.max_weight_g
        ):
            continue
        placements, _, left = _pack_any(box, units)
        if not left:
            return _carton(box, placements, units)
    return carton


def cartonize(items: list[Item], boxes: list[BoxType]) -> Proposal:
    """Propose cartons for the items: every unit either lies inside one carton, without overlap
    and within the box's weight limit, or its item is listed in `unpacked` with the reason."""
    by_size = sorted(boxes, key=lambda b: (b.volume_mm3, b.max_weight_g, b.cost, b.code))
    cartons: list[Carton] = []
    unpacked: list[tuple[Item, str]] = []
    units: list[_Unit] = []
    for item in items:
        if item.own_container:
            for _ in range(item.quantity):
                length, width, height = item.dims
                placement = Placement(item.sku, 0, 0, 0, length, width, height)
                cartons.append(Carton(None, [placement], item.weight_g, 1.0))
            continue
        reason = _unfit_reason(item, by_size)
        if reason is not None:
            unpacked.append((item, reason))
            continue
        units += [_Unit(item.sku, item.dims, item.weight_g)] * item.quantity
    # Decreasing volume, then longest side: big units first leave the small ones for the gaps.
    remaining = sorted(units, key=lambda u: (u.volume_mm3, max(u.dims)), reverse=True)
    while remaining:
        box, (placements, packed, left) = _next_carton(remaining, by_size)
        cartons.append(_downsize(_carton(box, placements, packed), packed, by_size))
        remaining = left
    return Proposal(cartons, unpacked)


def _next_carton(units: list[_Unit], boxes: list[BoxType]) -> tuple[BoxType, Packing]:
    volume = sum(u.volume_mm3 for u in units)
    weight = sum(u.weight_g for u in units)
    for box in boxes:
        if box.volume_mm3 >= volume and weight + box.tare_weight_g <= box.max_weight_g:
            packing = _pack_any(box, units)
            if not packing[2]:
                return box, packing
    # No box takes everything: fill the one that takes the most volume. Ties go to the larger
    # box; downsizing then finds the smallest that holds those contents. Every unit fits some box
    # alone, so at least one unit goes in and the caller's loop always progresses.
    best: tuple[BoxType, Packing] | None = None
    best_volume = 0
    for box in boxes:
        packing = _pack_any(box, units)
        packed_volume = sum(p.volume_mm3 for p in packing[0])
        if packed_volume and packed_volume >= best_volume:
            best, best_volume = (box, packing), packed_volume
    assert best is not None
    return best


def carton_errors(carton: Carton) -> list[str]:
    """What is wrong with a carton: a placement outside the box, two placements that overlap,
    or a weight over the box's limit. Empty when the carton is sound."""
    errors: list[str] = []
    if carton.box is None:
        if len(carton.placements) != 1:
            errors.append("an own-container carton holds exactly one unit")
        return errors
    size_x, size_y, size_z = carton.box.dims
    for index, p in enumerate(carton.placements):
        if min(p.x, p.y, p.z) < 0 or min(p.length, p.width, p.height) <= 0:
            errors.append(f"{p.sku} at {index}: negative corner or empty extent")
        if p.x + p.length > size_x or p.y + p.width > size_y or p.z + p.height > size_z:
            errors.append(f"{p.sku} at {index} sticks out of {carton.box.code}")
        for other_index in range(index):
            if _overlaps(p, carton.placements[other_index]):
                errors.append(f"{p.sku} at {index} overlaps the unit at {other_index}")
    if carton.weight_g > carton.box.max_weight_g:
        limit = carton.box.max_weight_g
        errors.append(f"{carton.weight_g} g is over {carton.box.code}'s limit of {limit} g")
    return errors


def proposal_errors(proposal: Proposal) -> list[str]:
    return [error for carton in proposal.cartons for error in carton_errors(carton)]
