"""LoRA updates, in PEFT's naming, built by hand: spectrum and subspaces of ΔW = s·B·A against numpy/scipy."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.linalg
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from torch import nn

from linlab import ShapeError
from linlab.nn import inspect

EPS32 = float(np.finfo(np.float32).eps)


class LoraLinear(nn.Module):
    """A layer wrapped as PEFT does: base_layer, lora_A/lora_B ModuleDicts by adapter, scaling per adapter."""

    def __init__(self, base: torch.Tensor, A: torch.Tensor, B: torch.Tensor, scaling: float | None) -> None:
        super().__init__()
        out, d_in = base.shape
        r = A.shape[0]
        self.base_layer = nn.Linear(d_in, out)
        self.lora_A = nn.ModuleDict({"default": nn.Linear(d_in, r, bias=False)})
        self.lora_B = nn.ModuleDict({"default": nn.Linear(r, out, bias=False)})
        with torch.no_grad():
            self.base_layer.weight.copy_(base)
            self.lora_A["default"].weight.copy_(A)
            self.lora_B["default"].weight.copy_(B)
        if scaling is not None:
            self.scaling = {"default": scaling}

    def forward(self, x):
        s = getattr(self, "scaling", {"default": 1.0})["default"]
        return self.base_layer(x) + s * self.lora_B["default"](self.lora_A["default"](x))


def _case(seed: int, out: int, d_in: int, base_rank: int, r: int, shared: int):
    """A base W of rank base_rank, and factors whose update shares `shared` image directions with W."""
    g = torch.Generator().manual_seed(seed)
    U = torch.linalg.qr(torch.randn(out, out, generator=g)).Q
    W = U[:, :base_rank] @ torch.randn(base_rank, d_in, generator=g)  # im W = span(U[:, :base_rank])
    inside = U[:, :base_rank] @ torch.randn(base_rank, shared, generator=g)
    outside = U[:, base_rank:] @ torch.randn(out - base_rank, r - shared, generator=g)  # ⊥ im W
    B = torch.cat([inside, outside], dim=1)  # (out, r)
    A = torch.randn(r, d_in, generator=g)
    return W, A, B


def _orth(M: np.ndarray) -> np.ndarray:
    U, s, _ = np.linalg.svd(M, full_matrices=False)
    return U[:, : int((s > max(M.shape) * EPS32 * s[0]).sum())]


def _rank(M: np.ndarray) -> int:
    return int(np.linalg.matrix_rank(M, tol=max(M.shape) * EPS32 * np.linalg.norm(M, 2)))


@settings(max_examples=15)
@given(seed=st.integers(0, 2**16), out=st.integers(6, 16), d_in=st.integers(4, 16), data=st.data())
def test_update_spectrum_and_subspaces_match_dense_numpy(seed, out, d_in, data):
    base_rank = data.draw(st.integers(1, min(out - 2, d_in)))
    r = data.draw(st.integers(1, min(4, d_in, out - base_rank + 1)))
    shared = data.draw(st.integers(0, min(r - 1, base_rank)))
    W, A, B = _case(seed, out, d_in, base_rank, r, shared)
    model = nn.ModuleDict({"proj": LoraLinear(W, A, B, scaling=0.5)})
    report = inspect(model)
    update = report.map("proj.lora.default")
    dense = 0.5 * (B.double() @ A.double()).numpy()  # ΔW, (out, d_in): formed here only to check
    sigma = np.linalg.svd(dense, compute_uv=False)
    np.testing.assert_allclose(update.singular_values.numpy(), sigma[:r], rtol=1e-7, atol=1e-12 * sigma[0])
    assert (update.kind, update.shape, update.factored) == ("lora", (out, d_in), True)
    assert update.rank == _rank(dense) == r and update.nullity == d_in - r
    Wd = W.double().numpy()
    d = update.details
    assert (d["adapter"], d["r"], d["scaling"], d["base"], d["base_rank"]) == ("default", r, 0.5, "proj.base_layer",
                                                                               _rank(Wd))
    stacked_rank = _rank(np.hstack([dense, Wd]))  # dim(im ΔW + im W)
    assert d["image_intersection_dim"] == _rank(dense) + _rank(Wd) - stacked_rank == shared
    assert d["kernel_intersection_dim"] == d_in - _rank(np.vstack([dense, Wd]))
    top = np.linalg.svd(Wd)[0][:, :r]
    expected = np.sort(scipy.linalg.subspace_angles(_orth(dense), top))
    np.testing.assert_allclose(d["image_angles"], expected, atol=1e-6)
    assert report.map("proj.base_layer").rank == _rank(Wd)


def test_a_state_dict_with_peft_names_gives_the_module_report():
    W, A, B = _case(1, 12, 10, 5, 3, 1)
    module = nn.ModuleDict({"q": LoraLinear(W, A, B, scaling=None)})
    state = {f"model.{k}": v for k, v in module.state_dict().items()}
    from_module, from_state = inspect(module), inspect(state)
    assert [m.name for m in from_state.maps] == ["model.q.base_layer", "model.q.lora.default"]
    for a, b in zip(from_module.maps, from_state.maps, strict=True):
        torch.testing.assert_close(a.singular_values, b.singular_values)
        assert {k: v for k, v in a.details.items() if k != "weights"} == {
            k: (v.removeprefix("model.") if isinstance(v, str) else v)
            for k, v in b.details.items() if k != "weights"}
    assert any("LoRA scaling" in note for note in from_state.notes)


def test_the_module_forward_is_base_plus_the_reported_update():
    W, A, B = _case(2, 8, 6, 4, 2, 1)
    layer = LoraLinear(W, A, B, scaling=2.0)
    x = torch.randn(20, 6, dtype=torch.float64)
    layer = layer.double()
    with torch.no_grad():
        delta = layer(x) - layer.base_layer(x)  # (20, 8) = x ΔWᵀ
    sigma = np.linalg.svd(np.linalg.lstsq(x.double().numpy(), delta.double().numpy(), rcond=None)[0].T,
                          compute_uv=False)  # ΔW recovered from the forward pass alone (x has full column rank)
    report = inspect(nn.ModuleDict({"fc": layer}))
    np.testing.assert_allclose(report.map("fc.lora.default").singular_values.numpy(), sigma[:2], rtol=1e-9)


def test_malformed_factors_are_named():
    with pytest.raises(ShapeError, match=r"LoRA layer fc \(adapter default\) has lora_A but not lora_B"):
        inspect({"fc.base_layer.weight": torch.randn(4, 3), "fc.lora_A.default.weight": torch.randn(2, 3)})
    with pytest.raises(ShapeError, match=r"fc.lora.default: lora_A has shape \(2, 3\) .* their r differ \(2 != 5\)"):
        inspect({"fc.base_layer.weight": torch.randn(4, 3), "fc.lora_A.default.weight": torch.randn(2, 3),
                 "fc.lora_B.default.weight": torch.randn(4, 5)})
