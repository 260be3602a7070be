from __future__ import annotations

import itertools
from typing import Any

from cchc.units.models import Unit

_codes = itertools.count(1)


def make_unit(
    name: str | None = None,
    *,
    kind: str = Unit.Kind.DEPARTMENT,
    parent: Unit | None = None,
    **fields: Any,
) -> Unit:
    n = next(_codes)
    return Unit.objects.create(
        code=fields.pop("code", f"T{n:05d}"),
        name=name or f"Đơn vị thử {n}",
        kind=kind,
        parent=parent,
        **fields,
    )
