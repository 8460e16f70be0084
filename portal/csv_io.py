"""The portal's CSV downloads: a header row, then one row per record, each cell guarded against
spreadsheet formulas (wms.csv_io.cell), streamed line by line."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator, Sequence

from wms.csv_io import Echo, cell


def csv_lines(header: Sequence[str], rows: Iterable[Sequence[object]]) -> Iterator[str]:
    writer = csv.writer(Echo())
    yield "\ufeff" + writer.writerow(list(header))
    for row in rows:
        yield writer.writerow([cell(value) for value in row])
