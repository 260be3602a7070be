"""Shared helpers for the accounts page tests."""

from __future__ import annotations


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]] if response.context else []
