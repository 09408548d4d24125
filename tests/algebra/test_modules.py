"""Module adapters reproduce the modules' own forward passes."""

import pytest
import torch
import torch.nn.functional as F
from torch import nn

from linlab import LinearMap, NotLinearError, UnsupportedModuleError


def test_linear_without_bias_is_its_weight():
    torch.manual_seed(0)
    layer = nn.Linear(7, 4, bias=False)
    A = LinearMap.from_module(layer)
    assert A.shape == (4, 7) and A.dtype == torch.float32
    x = torch.randn(5, 7)
    torch.testing.assert_close(A(x), layer(x).detach())


def test_linear_with_bias_is_affine_unless_dropped():
    torch.manual_seed(0)
    layer = nn.Linear(3, 2)
    with pytest.raises(NotLinearError, match=r"nn.Linear\(3, 2\) has a non-zero bias .* affine, not linear") as caught:
        LinearMap.from_module(layer)
    assert caught.value.law == "homogeneity"
    assert caught.value.residual == pytest.approx(float(layer.bias.detach().norm()))
    A = LinearMap.from_module(layer, drop_bias=True)
    x = torch.randn(6, 3)
    torch.testing.assert_close(A(x), (layer(x) - layer.bias).detach())


def test_linear_with_a_zero_bias_is_linear():
    layer = nn.Linear(3, 2)
    nn.init.zeros_(layer.bias)
    assert LinearMap.from_module(layer).shape == (2, 3)


@pytest.mark.parametrize(
    "kwargs",
    [
        dict(kernel_size=3),
        dict(kernel_size=(2, 3), stride=2, padding=1),
        dict(kernel_size=3, dilation=2, padding=2),
        dict(kernel_size=2, groups=2),
    ],
)
def test_conv2d_on_patch_space_reproduces_the_convolution(kwargs):
    torch.manual_seed(0)
    conv = nn.Conv2d(4, 6, **kwargs).double()
    x = torch.randn(2, 4, 9, 10, dtype=torch.float64)
    A = LinearMap.from_module(conv, drop_bias=True)
    k = conv.kernel_size
    assert A.shape == (6, 4 * k[0] * k[1])
    patches = F.unfold(x, k, dilation=conv.dilation, padding=conv.padding, stride=conv.stride)  # (N, C·kh·kw, L)
    out = A.matrix @ patches + conv.bias[:, None]  # (N, out, L)
    expected = conv(x).detach()
    torch.testing.assert_close(out.reshape(expected.shape), expected)


def test_conv1d_on_patch_space_reproduces_the_convolution():
    torch.manual_seed(0)
    conv = nn.Conv1d(3, 5, kernel_size=4, stride=2, bias=False).double()
    x = torch.randn(2, 3, 17, dtype=torch.float64)
    A = LinearMap.from_module(conv)
    patches = F.unfold(x[:, :, None, :], (1, 4), stride=(1, 2))  # (N, 3·4, L): a 1-D conv is a 1×k 2-D one
    expected = conv(x).detach()
    torch.testing.assert_close((A.matrix @ patches).reshape(expected.shape), expected)
    assert A.rank + A.nullity == 12


def test_conv3d_on_patch_space_reproduces_the_convolution():
    torch.manual_seed(0)
    conv = nn.Conv3d(2, 3, kernel_size=(2, 2, 3), bias=False).double()
    x = torch.randn(1, 2, 4, 5, 6, dtype=torch.float64)
    A = LinearMap.from_module(conv)
    windows = x.unfold(2, 2, 1).unfold(3, 2, 1).unfold(4, 3, 1)  # (N, C, D', H', W', 2, 2, 3)
    patches = windows.permute(0, 2, 3, 4, 1, 5, 6, 7).reshape(-1, 2 * 2 * 2 * 3)  # (N·L, C·k), channel-major
    expected = conv(x).detach()  # (N, out, D', H', W')
    got = (patches @ A.matrix.T).reshape(1, *expected.shape[2:], 3).permute(0, 4, 1, 2, 3)
    torch.testing.assert_close(got, expected)


def test_gpt2_conv1d_is_transposed():
    from transformers import GPT2Config, GPT2LMHeadModel

    torch.manual_seed(0)
    config = GPT2Config(n_layer=1, n_embd=32, n_head=4, n_positions=16, vocab_size=64, bos_token_id=0, eos_token_id=0)
    block = GPT2LMHeadModel(config).transformer.h[0]
    cases = {"attn.c_attn": (96, 32), "attn.c_proj": (32, 32), "mlp.c_fc": (128, 32), "mlp.c_proj": (32, 128)}
    for name, shape in cases.items():
        module = block.get_submodule(name)
        nn.init.normal_(module.bias)
        A = LinearMap.from_module(module, drop_bias=True)
        assert A.shape == shape, name
        x = torch.randn(3, 5, shape[1])
        torch.testing.assert_close(A(x), (module(x) - module.bias).detach(), rtol=1e-5, atol=1e-5)
        with pytest.raises(NotLinearError, match=r"Conv1D\(nf=\d+, nx=\d+\) has a non-zero bias"):
            LinearMap.from_module(module)


@pytest.mark.parametrize("module", [nn.ReLU(), nn.Embedding(4, 3), nn.LayerNorm(3), nn.Sequential()])
def test_unsupported_modules_are_named(module):
    with pytest.raises(UnsupportedModuleError, match=f"cannot read .*{type(module).__name__} as a linear map; supported: nn.Linear"):
        LinearMap.from_module(module)
