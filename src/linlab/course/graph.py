"""The prerequisite graph of the course: links that must exist, cycles, and a reading order.

A graph maps each lesson id to the ids of its prerequisites, ``{"la-05": ("la-04",), "la-04": ()}``.
:func:`check_links` reports what is wrong with the links of a loaded course (unknown ids, a lesson
listing itself, two lessons with one ``order``, cycles); :func:`topological_order` gives the order in
which :meth:`linlab.course.model.Course.topological_order` presents lessons.
"""

from __future__ import annotations

import heapq
from collections.abc import Collection, Mapping
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .lessonfile import Doc
    from .model import Problems

__all__ = ["Graph", "cycles", "topological_order", "check_links"]

Graph = Mapping[str, tuple[str, ...]]
"""Lesson id -> the ids of its prerequisites."""


def cycles(graph: Graph) -> list[list[str]]:
    """Every distinct cycle that a depth-first search meets, each as ``[a, b, …, a]``.

    Prerequisites that are not keys of ``graph`` are ignored.

    Examples
    --------
    >>> cycles({"a": ("b",), "b": ("c",), "c": ("a",), "d": ("a",)})
    [['a', 'b', 'c', 'a']]
    >>> cycles({"a": ("b",), "b": ()})
    []
    """
    found: dict[frozenset[str], list[str]] = {}
    state: dict[str, int] = {}  # 1 on the current path, 2 finished
    for start in sorted(graph):
        if state.get(start):
            continue
        path, stack = [start], [iter(graph[start])]
        state[start] = 1
        while stack:
            nxt = next(stack[-1], None)
            if nxt is None:
                state[path.pop()] = 2
                stack.pop()
            elif state.get(nxt) == 1:
                cycle = path[path.index(nxt):] + [nxt]
                found.setdefault(frozenset(cycle), cycle)
            elif not state.get(nxt) and nxt in graph:
                state[nxt] = 1
                path.append(nxt)
                stack.append(iter(graph[nxt]))
    return list(found.values())


def topological_order(graph: Graph, rank: Mapping[str, int]) -> tuple[str, ...]:
    """Ids with every lesson after its prerequisites; among the free ones, lowest ``rank`` first.

    Every prerequisite must be a key of ``graph``.  Lessons on or behind a cycle never become free and
    are left out, so the result is shorter than ``graph`` exactly when it has a cycle.

    Examples
    --------
    >>> topological_order({"a": ("c",), "b": (), "c": ()}, rank={"a": 1, "b": 2, "c": 3})
    ('b', 'c', 'a')
    >>> topological_order({"a": ("b",), "b": ("a",), "c": ()}, rank={"a": 1, "b": 2, "c": 3})
    ('c',)
    """
    waiting = {lesson_id: len(prereqs) for lesson_id, prereqs in graph.items()}
    dependents: dict[str, list[str]] = {lesson_id: [] for lesson_id in graph}
    for lesson_id, prereqs in graph.items():
        for prereq in prereqs:
            dependents[prereq].append(lesson_id)
    ready = [(rank[i], i) for i, n in waiting.items() if n == 0]
    heapq.heapify(ready)
    ordered: list[str] = []
    while ready:
        _, lesson_id = heapq.heappop(ready)
        ordered.append(lesson_id)
        for dependent in dependents[lesson_id]:
            waiting[dependent] -= 1
            if waiting[dependent] == 0:
                heapq.heappush(ready, (rank[dependent], dependent))
    return tuple(ordered)


def check_links(docs: Mapping[str, Doc], *, known: Collection[str], problems: Problems) -> None:
    """Prerequisites and related ids exist, orders are unique, the prerequisite graph is acyclic.

    Parameters
    ----------
    docs : Mapping[str, Doc]
        Lesson id (folder name) -> the first language file read for it.
    known : Collection[str]
        Every lesson id (folder name), including those with no readable file.
    problems : Problems
        Collects what is wrong, at the line of the offending front-matter entry.
    """
    graph: dict[str, tuple[str, ...]] = {}
    by_order: dict[int, str] = {}
    for lesson_id, doc in docs.items():
        for key in ("prerequisites", "related"):
            for index, other in enumerate(doc.meta.get(key, ())):
                line = doc.line(key, index)
                if other == lesson_id:
                    problems.add(doc.path, line, f"{key}: the lesson lists itself")
                elif other not in known:
                    problems.add(doc.path, line, f"{key}: unknown lesson id {other!r}")
        graph[lesson_id] = tuple(p for p in doc.meta.get("prerequisites", ()) if p in known and p != lesson_id)
        order = doc.meta.get("order")
        if order is not None and order in by_order:
            problems.add(doc.path, doc.line("order"), f"order {order} is also the order of {by_order[order]}")
        elif order is not None:
            by_order[order] = lesson_id
    for cycle in cycles(graph):
        doc = docs[cycle[0]]
        problems.add(doc.path, doc.line("prerequisites"), f"prerequisite cycle: {' → '.join(cycle)}")
