"""Hostile ``.safetensors`` files: truncated, with corrupt header lengths, malformed headers, wrong dtypes and
huge shapes, and random byte mutations of a valid file.

Whatever the damage, :func:`linlab.nn.open_source`/:func:`~linlab.nn.inspect`, :func:`read_tensor` and the
CLI (``linlab analyze FILE``, ``linlab readwrite FILE``) answer with a :class:`LinlabError` whose message names
the file and the problem (the CLI: exit status 1, one ``error:`` line, no traceback); never another exception,
never a hang (``timeout``), and a corrupt header length or shape is refused without allocating what it claims
(``tracemalloc`` peak).  Integer and bool weights are analysed as the numbers they store, the same by
``inspect`` and ``readwrite`` (checked against numpy's SVD); complex weights are refused by both.
"""

from __future__ import annotations

import json
import struct
import sys
import time
import tracemalloc

import numpy as np
import pytest
import torch
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from safetensors.torch import save_file

from linlab.cli import app, run
from linlab.errors import CheckpointError, LinlabError
from linlab.nn import inspect, open_source
from linlab.nn.tensors import read_tensor

pytestmark = pytest.mark.timeout(60)

_MEMORY_BOUND = 8 * 2**20
"""Peak Python allocation allowed while refusing a file that claims a huge header or tensor (bytes)."""


def _file(header: object, data: bytes = b"", *, length: int | None = None) -> bytes:
    raw = header if isinstance(header, bytes) else json.dumps(header).encode()
    return struct.pack("<Q", len(raw) if length is None else length) + raw + data


def _f32(name: str, shape: list[int], begin: int = 0) -> dict:
    return {name: {"dtype": "F32", "shape": shape, "data_offsets": [begin, begin + 4 * int(np.prod(shape))]}}


@pytest.fixture(scope="module")
def valid(tmp_path_factory) -> bytes:
    path = tmp_path_factory.mktemp("valid") / "m.safetensors"
    torch.manual_seed(0)
    save_file({"fc.weight": torch.randn(6, 4), "fc.bias": torch.randn(6), "ln.weight": torch.ones(4),
               "ln.bias": torch.zeros(4)}, path)
    return path.read_bytes()


def _every_reader(path) -> list[tuple[str, BaseException | None]]:
    """Open the file each way linlab does and read every tensor; what each raised (None: nothing)."""
    outcomes = []

    def attempt(name, fn):
        try:
            fn()
        except Exception as err:  # noqa: BLE001 - the test sorts them below
            outcomes.append((name, err))
        else:
            outcomes.append((name, None))

    def open_and_read():
        src = open_source(path)
        for key in src.names():
            src.get(key)

    attempt("open_source", open_and_read)
    attempt("inspect", lambda: inspect(path, device="cpu"))
    attempt("read_tensor", lambda: read_tensor(path, key="fc.weight"))
    return outcomes


def _refused(path, *words: str) -> None:
    """Every reader raises a CheckpointError naming the file and each of ``words``."""
    for reader, err in _every_reader(path):
        assert isinstance(err, CheckpointError), f"{reader}: {err!r}"
        message = str(err)
        assert path.name in message, (reader, message)
        for word in words:
            assert word in message, (reader, message)


# --------------------------------------------------------------------------------------------------
# truncation and the length field


def test_a_file_truncated_anywhere_is_refused_as_truncated(tmp_path, valid):
    (length,) = struct.unpack("<Q", valid[:8])
    path = tmp_path / "cut.safetensors"
    # inside the 8-byte length, inside the header, at its end, inside the data, one byte short
    for cut in sorted({0, 1, 7, 8, 9, 8 + length // 2, 8 + length, 8 + length + 1, (8 + length + len(valid)) // 2,
                       len(valid) - 1}):
        path.write_bytes(valid[:cut])
        if cut < 8:
            _refused(path, "shorter than the 8-byte header length", "truncated")
        elif cut < 8 + length:
            _refused(path, f"header length field says {length:,} bytes", "truncated")
        else:
            _refused(path, "truncated")


@pytest.mark.parametrize("length", [2**63, 2**64 - 1, 10**12, 200_000_001])
def test_a_huge_header_length_is_refused_without_reading_it(tmp_path, valid, length):
    path = tmp_path / "long.safetensors"
    path.write_bytes(struct.pack("<Q", length) + valid[8:])
    tracemalloc.start()
    start = time.perf_counter()
    try:
        _refused(path, f"header length field says {length:,} bytes")
    finally:
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    assert time.perf_counter() - start < 5 and peak < _MEMORY_BOUND


def test_a_header_length_over_the_limit_is_refused_even_when_the_file_is_that_long(tmp_path):
    from linlab.nn.tensors import MAX_HEADER_BYTES

    path = tmp_path / "padded.safetensors"
    with path.open("wb") as f:  # a sparse file: the length field fits, the header is over the limit
        f.write(struct.pack("<Q", MAX_HEADER_BYTES + 1))
        f.seek(8 + MAX_HEADER_BYTES + 1)
        f.write(b"\0")
    tracemalloc.start()
    try:
        _refused(path, f"{MAX_HEADER_BYTES + 1:,} bytes, over the limit")
    finally:
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    assert peak < _MEMORY_BOUND


# --------------------------------------------------------------------------------------------------
# malformed headers

_MALFORMED = {
    "not json": (b"{not json", "not valid JSON"),
    "empty header": (b"", "not valid JSON"),
    "not utf-8": (b"\xff\xfe{}", "not UTF-8"),
    "a list": ([1, 2], "not a list"),
    "a string": ("hello", "not a string"),
    "null": (None, "not a null"),
    "deep list": (b"[" * 100_000 + b"]" * 100_000, "nested too deeply"),
    "deep object": (b'{"a":' * 50_000 + b"1" + b"}" * 50_000, "nested too deeply"),
    "entry not object": ({"w": [0, 4]}, "should be an object with dtype, shape and data_offsets"),
    "no offsets": ({"w": {"dtype": "F32", "shape": [1]}}, "should be an object with dtype, shape and data_offsets"),
    "negative offset": ({"w": {"dtype": "F32", "shape": [1], "data_offsets": [-4, 0]}}, "data_offsets [-4, 0]"),
    "float offsets": ({"w": {"dtype": "F32", "shape": [1], "data_offsets": [0.0, 4.0]}}, "data_offsets [0.0, 4.0]"),
    "string offsets": ({"w": {"dtype": "F32", "shape": [1], "data_offsets": ["0", "4"]}}, 'data_offsets ["0", "4"]'),
    "bool offsets": ({"w": {"dtype": "F32", "shape": [1], "data_offsets": [False, True]}}, "data_offsets [false"),
    "three offsets": ({"w": {"dtype": "F32", "shape": [1], "data_offsets": [0, 4, 8]}}, "data_offsets [0, 4, 8]"),
    "reversed offsets": ({"w": {"dtype": "F32", "shape": [1], "data_offsets": [4, 0]}}, "data_offsets [4, 0]"),
    "out of range": ({"w": {"dtype": "F32", "shape": [1000], "data_offsets": [0, 4000]}}, "holds only 4 bytes"),
    "overlap": ({**_f32("a", [1]), **_f32("b", [1])}, "tensors 'a' and 'b' overlap"),
    "gap": ({**_f32("a", [1], 0), **_f32("b", [1], 8)}, "belong to no tensor"),
    "data left over": (_f32("a", [0]), "the tensors take 0 bytes of data, but 4 follow"),
    "negative dim": ({"w": {"dtype": "F32", "shape": [-1, 4], "data_offsets": [0, 4]}}, "shape [-1, 4]"),
    "float dim": ({"w": {"dtype": "F32", "shape": [1.0], "data_offsets": [0, 4]}}, "shape [1.0]"),
    "shape not list": ({"w": {"dtype": "F32", "shape": 1, "data_offsets": [0, 4]}}, "shape 1;"),
    "bad metadata": ({"__metadata__": {"k": 1}, **_f32("w", [1])}, "__metadata__ should be an object of strings"),
    "unknown dtype": ({"w": {"dtype": "Q4", "shape": [1], "data_offsets": [0, 4]}}, 'dtype "Q4"'),
    "packed float4": ({"w": {"dtype": "F4", "shape": [8], "data_offsets": [0, 4]}}, 'dtype "F4"'),
    "dtype not a string": ({"w": {"dtype": 4, "shape": [1], "data_offsets": [0, 4]}}, "dtype 4,"),
    "size mismatch": ({"w": {"dtype": "F32", "shape": [2, 2], "data_offsets": [0, 4]}}, "needs 16 bytes"),
    "int64 size mismatch": ({"w": {"dtype": "I64", "shape": [1], "data_offsets": [0, 4]}}, "needs 8 bytes"),
    "huge shape": ({"w": {"dtype": "F32", "shape": [2**40, 2**40], "data_offsets": [0, 4]}},
                   "needs 4,835,703,278,458,516,698,824,704 bytes"),
    "huge shape, no data": ({"w": {"dtype": "F64", "shape": [2**40], "data_offsets": [0, 8 * 2**40]}},
                            "holds only 4 bytes"),
}


@pytest.mark.parametrize("case", list(_MALFORMED))
def test_a_malformed_header_is_refused_with_a_message_naming_the_problem(tmp_path, case):
    header, words = _MALFORMED[case]
    path = tmp_path / "bad.safetensors"
    path.write_bytes(_file(header, b"\0" * (12 if case == "gap" else 4)))  # 4 bytes of data; "gap" skips 4
    tracemalloc.start()
    try:
        _refused(path, words)
    finally:
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    assert peak < _MEMORY_BOUND, f"{case}: {peak:,} bytes allocated"


# --------------------------------------------------------------------------------------------------
# dtypes

_INT_DTYPES = {"I8": np.int8, "U8": np.uint8, "I16": np.int16, "I32": np.int32, "I64": np.int64, "BOOL": np.bool_}


@pytest.mark.parametrize("dtype", list(_INT_DTYPES))
def test_integer_weights_are_analysed_as_their_stored_numbers_by_inspect_and_readwrite_alike(tmp_path, dtype):
    rng = np.random.default_rng(len(dtype))
    values = rng.integers(0, 2, size=(5, 3)) if dtype == "BOOL" else rng.integers(-9, 10, size=(5, 3))
    stored = values.astype(_INT_DTYPES[dtype])
    values = stored.astype(np.float64)  # what the file holds (-9 stored as U8 is 247)
    path = tmp_path / "ints.safetensors"
    path.write_bytes(_file({"fc.weight": {"dtype": dtype, "shape": [5, 3], "data_offsets": [0, stored.nbytes]}},
                           stored.tobytes()))
    want = np.linalg.svd(values, compute_uv=False)
    report = inspect(path, device="cpu")
    (fc,) = report.maps
    got = np.asarray(fc.singular_values, dtype=np.float64)  # the first `rank` of them; the rest are 0
    assert np.allclose(got, want[: len(got)], atol=1e-9) and np.allclose(want[len(got):], 0, atol=1e-9)
    assert fc.rank == np.linalg.matrix_rank(values)
    assert any("integer or bool weights analysed as the numbers they store" in n and "fc.weight" in n
               for n in report.notes)
    from linlab.commands.readwrite import load_matrix

    matrix, _, _ = load_matrix(path)
    assert np.array_equal(matrix.numpy(), values)


@pytest.mark.parametrize("dtype", ["F8_E4M3", "F8_E5M2"])
def test_float8_weights_are_read_as_float32(tmp_path, dtype):
    torch_dtype = {"F8_E4M3": torch.float8_e4m3fn, "F8_E5M2": torch.float8_e5m2}[dtype]
    weight = torch.tensor([[4.0, 0.0], [0.0, -4.0], [0.0, 0.0]]).to(torch_dtype)  # rank 2 even at float8's eps
    path = tmp_path / "f8.safetensors"
    save_file({"fc.weight": weight}, path)
    (fc,) = inspect(path, device="cpu").maps
    want = np.linalg.svd(weight.to(torch.float64).numpy(), compute_uv=False)
    got = np.asarray(fc.singular_values, dtype=np.float64)
    assert fc.rank == 2 and np.allclose(got, want[: len(got)], rtol=1e-6)


def test_complex_weights_are_refused_by_inspect_and_readwrite(tmp_path):
    path = tmp_path / "c.safetensors"
    path.write_bytes(_file({"fc.weight": {"dtype": "C64", "shape": [2, 2], "data_offsets": [0, 32]}}, b"\1" * 32))
    with pytest.raises(LinlabError, match=r"complex dtype torch\.complex64; linlab works with real matrices"):
        inspect(path, device="cpu")
    from linlab.commands.readwrite import load_matrix

    with pytest.raises(LinlabError, match=r"complex dtype torch\.complex64; linlab works with real matrices"):
        load_matrix(path)


# --------------------------------------------------------------------------------------------------
# random damage


@st.composite
def _mutated(draw, valid: bytes) -> bytes:
    data = bytearray(valid)
    for _ in range(draw(st.integers(1, 6))):
        kind = draw(st.sampled_from(("flip", "set", "insert", "delete", "truncate", "length")))
        at = draw(st.integers(0, max(len(data) - 1, 0)))
        if kind == "flip" and data:
            data[at] ^= 1 << draw(st.integers(0, 7))
        elif kind == "set" and data:
            data[at] = draw(st.integers(0, 255))
        elif kind == "insert":
            data[at:at] = draw(st.binary(min_size=1, max_size=16))
        elif kind == "delete":
            del data[at:at + draw(st.integers(1, 16))]
        elif kind == "truncate":
            del data[at:]
        elif kind == "length" and len(data) >= 8:
            data[:8] = struct.pack("<Q", draw(st.sampled_from((0, 1, 2**63, 2**64 - 1, 10**12, len(data)))))
    return bytes(data)


def test_random_byte_damage_is_read_or_refused_never_a_crash(tmp_path, valid):
    path = tmp_path / "mutant.safetensors"

    @settings(max_examples=120, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    @given(_mutated(valid))
    def check(data: bytes) -> None:
        path.write_bytes(data)
        for reader, err in _every_reader(path):
            # Still a valid file (a flipped bit inside the data): fine.  Otherwise a LinlabError, or for a
            # readable file whose names changed, read_tensor's "no tensor named" (also a CheckpointError).
            assert err is None or isinstance(err, LinlabError), f"{reader}: {type(err).__name__}: {err}"

    check()


# --------------------------------------------------------------------------------------------------
# the command line


def _cli(monkeypatch, capsys, *args: str) -> tuple[int, str, str]:
    monkeypatch.setattr(sys, "argv", ["linlab", *args])
    with pytest.raises(SystemExit) as exited:
        run(app)
    out = capsys.readouterr()
    return exited.value.code, out.out, out.err


@pytest.mark.parametrize("command", ["analyze", "readwrite"])
@pytest.mark.parametrize("damage", ["truncated header", "huge length", "malformed offsets", "unknown dtype"])
def test_the_cli_answers_one_error_line_and_exit_status_1(tmp_path, valid, monkeypatch, capsys, command, damage):
    path = tmp_path / "broken.safetensors"
    data, words = {
        "truncated header": (valid[:20], "truncated"),
        "huge length": (struct.pack("<Q", 2**63) + valid[8:], "header length field says"),
        "malformed offsets": (_file({"w": {"dtype": "F32", "shape": [1], "data_offsets": [-4, 0]}}, b"\0" * 4),
                              "data_offsets [-4, 0]"),
        "unknown dtype": (_file({"w": {"dtype": "Q4", "shape": [1], "data_offsets": [0, 4]}}, b"\0" * 4), '"Q4"'),
    }[damage]
    path.write_bytes(data)
    code, out, err = _cli(monkeypatch, capsys, command, str(path))
    lines = [line for line in err.splitlines() if line.strip()]
    assert code == 1 and out == "", (code, out, err)
    assert len(lines) == 1 and lines[0].startswith("error: ") and words in lines[0], err
    assert "Traceback" not in err and "broken.safetensors" in lines[0]


def test_the_cli_still_reads_a_valid_file(tmp_path, valid, monkeypatch, capsys):
    """The same entry point on the undamaged file: exit status 0 (the errors above are the damage's)."""
    path = tmp_path / "fine.safetensors"
    path.write_bytes(valid)
    monkeypatch.setattr(sys, "argv", ["linlab", "readwrite", str(path), "--key", "fc", "--json"])
    with pytest.raises(SystemExit) as exited:
        run(app)
    assert exited.value.code in (0, None)
    report = json.loads(capsys.readouterr().out)
    assert report["shape"] == [6, 4] and report["key"] == "fc.weight"
