"""Bytes to text: UTF-8 first, then charset detection; binary files refused."""

from __future__ import annotations

from pathlib import Path

from charset_normalizer import from_bytes

from kroniek.errors import IngestError

# Control characters that never occur in text files; a few of them mean the file is binary.
_BINARY_BYTES = frozenset(range(0, 9)) | frozenset(range(14, 32)) - {27}
_SAMPLE = 8192


def read_bytes(path: Path, max_size_mb: float) -> bytes:
    size = path.stat().st_size
    if size > max_size_mb * 1_000_000:
        raise IngestError("E004", path=path, size_mb=size / 1_000_000, limit_mb=max_size_mb)
    data = path.read_bytes()
    if not data.strip():
        raise IngestError("E001", path=path)
    return data


def decode(data: bytes, origin: str | Path) -> str:
    """The text of a file in any common encoding; IngestError when it is binary or undecodable."""
    sample = data[:_SAMPLE]
    if b"\x00" in sample and not sample.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise IngestError("E002", path=origin, reason="contains NUL bytes")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        best = from_bytes(data).best()
        if best is None:
            raise IngestError("E003", path=origin, reason="no encoding fits") from None
        text = str(best)
    control = sum(1 for ch in text[:_SAMPLE] if ord(ch) in _BINARY_BYTES)
    if control > len(text[:_SAMPLE]) * 0.01:
        raise IngestError("E002", path=origin, reason=f"{control} control characters")
    return text
