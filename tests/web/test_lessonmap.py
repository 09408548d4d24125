"""The lesson-map layout: arrows point down the page and boxes never overlap, on any acyclic graph."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from linlab.web.learning.lessonmap import NODE_H, NODE_W, layout


@st.composite
def dags(draw):
    n = draw(st.integers(1, 18))
    ids = [f"l{i:02d}" for i in range(n)]
    prereqs = {lid: tuple(sorted(draw(st.sets(st.sampled_from(ids[:i]), max_size=3)))) if i else () for i, lid in enumerate(ids)}
    return ids, prereqs


def _longest_chain(lesson, prereqs, memo):
    if lesson not in memo:
        memo[lesson] = 1 + max((_longest_chain(p, prereqs, memo) for p in prereqs[lesson]), default=-1)
    return memo[lesson]


@given(dags())
def test_rows_are_longest_chains_arrows_point_down_and_boxes_do_not_overlap(graph):
    ids, prereqs = graph
    result = layout(ids, prereqs)
    memo: dict[str, int] = {}
    assert {i: result.nodes[i].depth for i in ids} == {i: _longest_chain(i, prereqs, memo) for i in ids}
    for lesson in ids:
        for p in prereqs[lesson]:
            assert result.nodes[p].y + NODE_H < result.nodes[lesson].y
    boxes = list(result.nodes.values())
    for i, a in enumerate(boxes):
        assert 0 <= a.x and a.x + NODE_W <= result.width and a.y + NODE_H <= result.height
        for b in boxes[i + 1:]:
            assert a.x + NODE_W <= b.x or b.x + NODE_W <= a.x or a.y + NODE_H <= b.y or b.y + NODE_H <= a.y
    assert len(result.edges) == sum(len(v) for v in prereqs.values())
