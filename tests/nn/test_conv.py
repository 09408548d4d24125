"""Convolutions on patch space: the reported map is the one F.unfold's patches go through."""

from __future__ import annotations

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from torch import nn

from linlab.nn import inspect

EPS32 = float(np.finfo(np.float32).eps)


def _rank(M: np.ndarray) -> int:
    s = np.linalg.svd(M, compute_uv=False)
    return int((s > max(M.shape) * EPS32 * s[0]).sum())


def test_conv2d_rank_is_the_rank_of_the_unfolded_weight():
    torch.manual_seed(0)
    conv = nn.Conv2d(3, 8, kernel_size=3, bias=False)
    with torch.no_grad():  # 8 filters that are combinations of 4: rank 4 on patch space (27 numbers per patch)
        conv.weight.copy_((torch.randn(8, 4) @ torch.randn(4, 27)).reshape(8, 3, 3, 3))
    report = inspect(nn.Sequential(conv)).map("0")
    unfolded = conv.weight.detach().reshape(8, -1).double().numpy()  # (8, 27)
    assert (report.kind, report.shape, report.rank, report.nullity) == ("conv", (8, 27), _rank(unfolded), 23)
    assert report.rank == 4 and report.details == {"weight": "0.weight", "kernel": [3, 3], "in_channels": 3,
                                                   "groups": 1}
    np.testing.assert_allclose(report.singular_values.numpy(), np.linalg.svd(unfolded, compute_uv=False),
                               rtol=1e-6, atol=1e-6)
    x = torch.randn(2, 3, 6, 6)
    patches = F.unfold(x, kernel_size=3)  # (batch, 3·3·3, n_patches)
    with torch.no_grad():
        out = conv(x).flatten(2)  # (batch, 8, n_patches)
    torch.testing.assert_close(out, torch.from_numpy(unfolded).float() @ patches, rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize("groups", [1, 2, 4])
def test_grouped_conv1d_is_block_diagonal_on_patch_space(groups):
    torch.manual_seed(groups)
    conv = nn.Conv1d(8, 4, kernel_size=2, groups=groups)
    report = inspect(nn.ModuleDict({"c": conv})).map("c")
    w = conv.weight.detach().double().numpy()  # (4, 8 / groups, 2)
    dense = np.zeros((4, 16))  # (out, in_channels·kernel): each group reads only its channels
    for g in range(groups):
        rows, width = slice(g * 4 // groups, (g + 1) * 4 // groups), 16 // groups
        dense[rows, g * width:(g + 1) * width] = w[rows].reshape(4 // groups, width)
    x = torch.randn(1, 8, 5)
    with torch.no_grad():
        out = conv(x) - conv.bias[:, None]  # (1, 4, 4)
    torch.testing.assert_close(out[0].double(), torch.from_numpy(dense) @ F.unfold(x[..., None], (2, 1))[0].double(),
                               rtol=1e-5, atol=1e-6)
    assert report.shape == (4, 16) and report.details["groups"] == groups
    assert report.rank == _rank(dense) and report.rank + report.nullity == 16
    np.testing.assert_allclose(report.singular_values.numpy(), np.linalg.svd(dense, compute_uv=False), atol=1e-6)


def test_a_checkpoint_reads_a_4d_weight_as_a_convolution():
    weight = torch.randn(6, 2, 2, 2)
    report = inspect({"patch_embed.proj.weight": weight}).map("patch_embed.proj")
    assert (report.kind, report.shape) == ("conv", (6, 8))
    np.testing.assert_allclose(report.singular_values.numpy(),
                               np.linalg.svd(weight.reshape(6, 8).double().numpy(), compute_uv=False), rtol=1e-6)
