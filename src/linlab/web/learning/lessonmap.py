"""Lay out the prerequisite graph for the home page: one row per depth, drawn as SVG by the template.

The depth of a lesson is the length of its longest prerequisite chain, so every arrow points down
the page.  Within a row, lessons sit in the order of their prerequisites' mean position (the
barycentre heuristic), then course order, which keeps arrows from crossing on the course's graph.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

__all__ = ["Node", "Edge", "MapLayout", "layout"]

NODE_W, NODE_H, ROW_H, GAP_X, PAD = 250, 58, 96, 30, 16


@dataclass(frozen=True)
class Node:
    id: str
    x: float  # top-left corner, SVG user units
    y: float
    depth: int

    @property
    def cx(self) -> float:
        return self.x + NODE_W / 2


@dataclass(frozen=True)
class Edge:
    source: str
    target: str
    path: str  # an SVG path from the bottom of source to the top of target
    long: bool = False  # skips at least one row (drawn lighter, it passes behind other lessons)


@dataclass(frozen=True)
class MapLayout:
    nodes: dict[str, Node]
    edges: list[Edge]
    width: float
    height: float
    node_w: int = NODE_W
    node_h: int = NODE_H


def layout(order: Sequence[str], prerequisites: Mapping[str, Sequence[str]]) -> MapLayout:
    """Positions for the lessons ``order`` (course order) given each one's prerequisites (an acyclic graph)."""
    depth: dict[str, int] = {}
    for lesson in order:  # course order lists prerequisites first (the loader checks the graph is acyclic)
        depth[lesson] = 1 + max((depth.get(p, 0) for p in prerequisites.get(lesson, ())), default=-1)
    rows: dict[int, list[str]] = {}
    for lesson in order:
        rows.setdefault(depth[lesson], []).append(lesson)
    widest = max(len(r) for r in rows.values()) if rows else 1
    width = PAD * 2 + widest * NODE_W + (widest - 1) * GAP_X
    nodes: dict[str, Node] = {}
    for d in sorted(rows):
        row = rows[d]
        rank = {lesson: i for i, lesson in enumerate(order)}

        def key(lesson: str) -> tuple[float, int]:
            parents = [nodes[p].cx for p in prerequisites.get(lesson, ()) if p in nodes]
            return (sum(parents) / len(parents) if parents else width / 2, rank[lesson])

        row.sort(key=key)
        span = len(row) * NODE_W + (len(row) - 1) * GAP_X
        left = (width - span) / 2
        for i, lesson in enumerate(row):
            nodes[lesson] = Node(lesson, left + i * (NODE_W + GAP_X), PAD + d * ROW_H, d)
    edges = []
    for lesson in order:
        for p in prerequisites.get(lesson, ()):
            if p in nodes:
                a, b = nodes[p], nodes[lesson]
                x1, y1, x2, y2 = a.cx, a.y + NODE_H, b.cx, b.y
                mid = (y1 + y2) / 2
                path = f"M{x1:.1f},{y1:.1f} C{x1:.1f},{mid:.1f} {x2:.1f},{mid:.1f} {x2:.1f},{y2 - 4:.1f}"
                edges.append(Edge(p, lesson, path, long=b.depth - a.depth > 1))
    height = PAD * 2 + (max(rows) + 1) * ROW_H - (ROW_H - NODE_H) if rows else PAD * 2
    return MapLayout(nodes, edges, width, height)
