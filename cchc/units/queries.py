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
    """Everything the unit page shows, limited to what `user` may see.

    Related units the person may not open are shown by name, without a link
    (`linkable` holds the ids that may be linked).
    """
    visible = Unit.objects.visible_to(user)
    ancestors = unit.ancestors()
    predecessors = list(unit.origins.select_related("predecessor"))
    successors = list(unit.successions.select_related("successor"))
    related = {a.pk for a in ancestors}
    related |= {s.predecessor_id for s in predecessors} | {s.successor_id for s in successors}
    return {
        "unit": unit,
        "ancestors": ancestors,
        "children": visible.filter(parent=unit).in_tree_order(),
        "predecessors": predecessors,
        "successors": successors,
        "linkable": set(visible.filter(pk__in=related).values_list("pk", flat=True)),
        "people": unit.roles.active_on(timezone.localdate()).select_related("user"),
        "attachments": Attachment.objects.for_object(unit).select_related("uploaded_by"),
        "can_edit": unit.can_edit(user),
    }
