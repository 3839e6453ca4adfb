#!/usr/bin/env python3
"""PyTorch reference for the training-speed benchmark -- BY-HAND ONLY.

Not part of any npm script, CI or test: PyTorch is not a project dependency. It was run by hand once to
put our engine's and TF.js's training speed in context (figures in the benchmark report). To rerun it:

    apt-get update && apt-get install -y python3-torch      # Debian's CPU PyTorch 1.13
    apt-get install -y libopenblas0-openmp                   # else torch's BLAS is netlib's reference BLAS
    /usr/bin/python3 bench/pytorch_reference.py --arch lstm --seconds 20 --threads 2

Same model and step as bench/tfjsReference.ts: embedding 128 -> LSTM/GRU 256 (every time step) -> linear
over a 10,000-word vocabulary, full softmax cross-entropy at every position (nn.CrossEntropyLoss), Adam
lr 1e-3, batch 32 x 32 tokens of random ids from a fixed seed. PyTorch's GRU is the reset-after variant.
Prints one line of JSON: tokens/s, steps, seconds, GFLOP/s (same FLOP count as trainingStepFlops).

Debian's torch is built with BLAS_INFO=generic: its matmuls go through whatever libblas.so.3 the
alternatives system points at. With only python3-torch installed that is netlib's reference BLAS, about
25x slower here than OpenBLAS (~280 against ~7,000 tokens/s); the "blas" field of the output says which one ran.
"""
import argparse
import json
import os
import time

import torch
from torch import nn

VOCAB, EMBEDDING, HIDDEN, SEQ, BATCH = 10000, 128, 256, 32, 32


def training_step_flops(arch: str) -> int:
    gates = 4 if arch == "lstm" else 3
    tokens = SEQ * BATCH
    recurrent = 2 * tokens * gates * HIDDEN * (EMBEDDING + HIDDEN)
    output = 2 * tokens * HIDDEN * VOCAB
    return 3 * (recurrent + output)


class LanguageModel(nn.Module):
    def __init__(self, arch: str):
        super().__init__()
        self.embedding = nn.Embedding(VOCAB, EMBEDDING)
        rnn = nn.LSTM if arch == "lstm" else nn.GRU
        self.rnn = rnn(EMBEDDING, HIDDEN, batch_first=True)
        self.out = nn.Linear(HIDDEN, VOCAB)

    def forward(self, tokens: torch.Tensor) -> torch.Tensor:
        hidden, _ = self.rnn(self.embedding(tokens))
        return self.out(hidden)  # [batch, seq, vocab] logits


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--arch", choices=["lstm", "gru"], default="lstm")
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--seed", type=int, default=1234)
    args = parser.parse_args()

    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    model = LanguageModel(args.arch)
    model.train()
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    loss_fn = nn.CrossEntropyLoss()
    generator = torch.Generator().manual_seed(args.seed)
    batches = []
    for _ in range(16):
        seq = torch.randint(0, VOCAB, (BATCH, SEQ + 1), generator=generator)
        batches.append((seq[:, :-1].contiguous(), seq[:, 1:].contiguous()))

    def step(i: int) -> float:
        inputs, targets = batches[i % len(batches)]
        optimizer.zero_grad(set_to_none=True)
        logits = model(inputs)
        loss = loss_fn(logits.reshape(-1, VOCAB), targets.reshape(-1))
        loss.backward()
        optimizer.step()
        return loss.item()

    for i in range(args.warmup):
        step(i)
    steps, loss = 0, float("nan")
    start = time.perf_counter()
    while True:
        loss = step(args.warmup + steps)
        steps += 1
        seconds = time.perf_counter() - start
        if seconds >= args.seconds:
            break
    print(json.dumps({
        "impl": "pytorch", "version": torch.__version__, "arch": args.arch, "threads": torch.get_num_threads(),
        "tokensPerSecond": SEQ * BATCH * steps / seconds, "steps": steps, "seconds": seconds,
        "gflops": training_step_flops(args.arch) * steps / seconds / 1e9, "lastLoss": loss,
        "blas": os.path.realpath("/usr/lib/x86_64-linux-gnu/libblas.so.3"), "load1": os.getloadavg()[0],
    }))


if __name__ == "__main__":
    main()
