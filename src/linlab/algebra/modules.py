"""Read PyTorch layers as linear maps: which matrix a module applies, and whether it adds a bias.

Supported:

- ``torch.nn.Linear``: ``weight`` is already ``(out, in)``.
- ``torch.nn.Conv1d`` / ``Conv2d`` / ``Conv3d``: a convolution is the same linear map applied to every
  patch of its input.  On patch space (what ``F.unfold`` extracts: ``in_channels · k₁ · k₂ …`` numbers
  per patch, channel-major) it is the matrix ``weight.reshape(out_channels, -1)``.  With ``groups > 1``
  an output channel sees only its group's input channels, so the matrix is block-diagonal over groups.
- transformers' GPT-2 ``Conv1D``: a linear layer that stores its weight as ``(in, out)`` (it computes
  ``x @ W + b``), so the matrix is ``weight.T``.  Recognised by class name, without importing
  transformers.

A layer with a non-zero bias computes ``x ↦ Wx + b``, which is affine, not linear.
"""

from __future__ import annotations

import torch
from torch import Tensor, nn

from ..errors import NotLinearError, UnsupportedModuleError

__all__ = ["module_matrix"]

_SUPPORTED = "nn.Linear, nn.Conv1d, nn.Conv2d, nn.Conv3d, transformers' GPT-2 Conv1D"


def module_matrix(module: nn.Module, *, drop_bias: bool = False) -> Tensor:
    """The matrix ``(out, in)`` of a linear layer (detached, same dtype and device as its weight).

    Raises
    ------
    NotLinearError
        If the layer has a non-zero bias and ``drop_bias`` is False.
    UnsupportedModuleError
        For any other kind of module.
    """
    weight, bias = _weight_and_bias(module)
    if bias is not None and not drop_bias and bool((bias != 0).any()):
        norm = float(torch.linalg.vector_norm(bias.float()))
        zeros = torch.zeros(weight.shape[1], dtype=weight.dtype, device=weight.device)
        raise NotLinearError(
            f"{_describe(module, weight)} has a non-zero bias (‖b‖ = {norm:.3g}): it computes x ↦ Wx + b, which is "
            f"affine, not linear (f(0) = b ≠ 0). Pass drop_bias=True to take its linear part W.",
            law="homogeneity",
            inputs={"x": zeros, "a": 0.0},
            lhs=bias.detach(),
            rhs=torch.zeros_like(bias.detach()),
            residual=norm,
        )
    return weight


def _weight_and_bias(module: nn.Module) -> tuple[Tensor, Tensor | None]:
    if isinstance(module, nn.Linear):
        return module.weight.detach(), _bias(module)
    if isinstance(module, (nn.Conv1d, nn.Conv2d, nn.Conv3d)):
        return _conv_patch_matrix(module), _bias(module)
    weight = getattr(module, "weight", None)
    if type(module).__name__ == "Conv1D" and hasattr(module, "nf") and isinstance(weight, Tensor):
        return weight.detach().T, _bias(module)  # stored (in, out): transpose to (out, in)
    raise UnsupportedModuleError(
        f"cannot read {type(module).__module__}.{type(module).__name__} as a linear map; supported: {_SUPPORTED}"
    )


def _conv_patch_matrix(conv: nn.Conv1d | nn.Conv2d | nn.Conv3d) -> Tensor:
    """``(out_channels, in_channels · prod(kernel_size))``, matching ``F.unfold``'s channel-major patches."""
    w = conv.weight.detach()  # (out, in/groups, *kernel)
    c_out, c_in_group = w.shape[:2]
    k = w[0, 0].numel()
    groups = int(conv.groups)
    if groups == 1:
        return w.reshape(c_out, c_in_group * k)
    out_per_group = c_out // groups
    full = w.new_zeros(c_out, groups * c_in_group * k)
    for g in range(groups):
        rows = slice(g * out_per_group, (g + 1) * out_per_group)
        cols = slice(g * c_in_group * k, (g + 1) * c_in_group * k)
        full[rows, cols] = w[rows].reshape(out_per_group, c_in_group * k)
    return full


def _bias(module: nn.Module) -> Tensor | None:
    b = getattr(module, "bias", None)
    return b.detach() if isinstance(b, Tensor) else None


def _describe(module: nn.Module, matrix: Tensor) -> str:
    name = type(module).__name__
    if isinstance(module, nn.Linear):
        return f"nn.Linear({module.in_features}, {module.out_features})"
    if isinstance(module, (nn.Conv1d, nn.Conv2d, nn.Conv3d)):
        return f"nn.{name}({module.in_channels}, {module.out_channels}, kernel_size={module.kernel_size})"
    nf, nx = matrix.shape  # GPT-2 Conv1D, already transposed to (out, in)
    return f"Conv1D(nf={nf}, nx={nx})"
