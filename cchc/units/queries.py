"""Read models for the unit pages and API: the nested tree and everything a unit page shows."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.utils import timezone

from cchc.core.models import Attachment

from .models import Unit

if TYPE_CHECKING:
    from cchc.accounts.models import User


@dataclass
class UnitNode:
    unit: Unit
    children: list[UnitNode] = field(default_factory=list)


def unit_tree(units: Iterable[Unit]) -> list[UnitNode]:
    """Nest `units` by parent; a unit whose parent is not among them becomes a root."""
    nodes = {unit.pk: UnitNode(unit) for unit in units}
    roots: list[UnitNode] = []
    for node in nodes.values():
        parent = nodes.get(node.unit.parent_id)
        (parent.children if parent is not None else roots).append(node)
    return roots


def unit_page(unit: Unit, *, user: User) -> dict[str, Any]:
    """Everything the unit page shows, limited to what `user` may see."""
    visible = Unit.objects.visible_to(user)
    return {
        "unit": unit,
        "ancestors": unit.ancestors(),
        "children": visible.filter(parent=unit),
        "predecessors": unit.origins.select_related("predecessor"),
        "successors": unit.successions.select_related("successor"),
        "people": unit.roles.active_on(timezone.localdate()).select_related("user"),
        "attachments": Attachment.objects.for_object(unit).select_related("uploaded_by"),
        "can_edit": unit.can_edit(user),
    }
