"""Editing one item of a priority list: pure functions returning the whole new order.

The store saves a list as a whole new version (``Store.update_priority_list(items=...)``); these
helpers build that ``items`` tuple from the current one.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import replace

from indicators.tracker.records import PriorityItem


def with_item_added(items: tuple[PriorityItem, ...], item: PriorityItem) -> tuple[PriorityItem, ...]:
    """``item`` appended at the end (the store refuses a recommendation that is already listed)."""
    return (*items, item)


def with_items_added(items: tuple[PriorityItem, ...], added: Iterable[PriorityItem]) -> tuple[PriorityItem, ...]:
    """``added`` appended at the end, in their order (a "20 for 2020" list is built in one save)."""
    return (*items, *added)


#: a recommendation's number as the UN writes it: the paragraph of the report and the item (26.214)
NUMBER = re.compile(r"\d+\.\d+")


def numbers_in(text: str, known: Iterable[str]) -> tuple[list[str], list[str]]:
    """The recommendation numbers in pasted text, in order and once each: those ``known``, and the others.

    >>> numbers_in("26.214, 26.286; 26.1 26.214 and 99.9", known=["26.1", "26.214", "26.286"])
    (['26.214', '26.286', '26.1'], ['99.9'])
    """
    known = set(known)
    found = list(dict.fromkeys(NUMBER.findall(text or "")))
    return [n for n in found if n in known], [n for n in found if n not in known]


def without_item(items: tuple[PriorityItem, ...], number: str) -> tuple[PriorityItem, ...]:
    return tuple(i for i in items if i.number != number)


def with_item_moved(items: tuple[PriorityItem, ...], number: str, to_position: int) -> tuple[PriorityItem, ...]:
    """The item ``number`` moved to ``to_position`` (1 = top; clamped to the list)."""
    moving = [i for i in items if i.number == number]
    if not moving:
        return items
    rest = [i for i in items if i.number != number]
    index = min(max(to_position, 1), len(rest) + 1) - 1
    return (*rest[:index], moving[0], *rest[index:])


def with_item_changed(items: tuple[PriorityItem, ...], number: str, **changes) -> tuple[PriorityItem, ...]:
    """The item ``number`` with new ``rationale``, ``responsible_body`` or ``target_date``."""
    return tuple(replace(i, **changes) if i.number == number else i for i in items)
