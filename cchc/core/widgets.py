"""Form widgets for long option lists.

Django renders every <option> through a template, about 0.1 ms each; a filter listing
the province's units (hundreds) then costs more than the rest of the page. These widgets
build the same HTML in Python.
"""

from __future__ import annotations

from collections.abc import Iterable
from html import escape
from typing import Any

from django import forms
from django.forms.utils import flatatt
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe


def _selected(value: Any) -> set[str]:
    values = value if isinstance(value, list | tuple) else [value]
    return {str(v) for v in values if v not in (None, "")}


def _options(choices: Iterable[tuple[Any, Any]], selected: set[str]) -> SafeString:
    parts = []
    for value, label in choices:
        text = str(value)
        mark = " selected" if text in selected else ""
        parts.append(f'<option value="{escape(text)}"{mark}>{escape(str(label))}</option>')
    return mark_safe("".join(parts))


class FastSelect(forms.Select):
    def render(self, name: str, value: Any, attrs: Any = None, renderer: Any = None) -> str:
        final = self.build_attrs(self.attrs, {**(attrs or {}), "name": name})
        if self.allow_multiple_selected:
            final["multiple"] = True
        options = _options(self.choices, _selected(value))
        return format_html("<select{}>{}</select>", flatatt(final), options)


class FastSelectMultiple(FastSelect, forms.SelectMultiple):
    allow_multiple_selected = True
