"""One comparison of two ModelReports, for the tests that analyse the same weights two ways."""

from __future__ import annotations

import torch


def assert_same_report(a, b) -> None:
    """Same maps in the same order with equal metadata, singular values within 1e-6 relative, equal norms."""
    assert [m.name for m in a.maps] == [m.name for m in b.maps]
    for x, y in zip(a.maps, b.maps, strict=True):
        assert (x.kind, x.shape, x.dtype, x.rank, x.nullity, x.head, x.layer_index, x.details) == (
            y.kind, y.shape, y.dtype, y.rank, y.nullity, y.head, y.layer_index, y.details), x.name
        torch.testing.assert_close(x.singular_values, y.singular_values, rtol=1e-6, atol=0)
    assert [n.to_json() for n in a.norms] == [n.to_json() for n in b.norms]
