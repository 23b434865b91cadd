"""The peer's side of `SerSweep.Bench.Training --layers`: one training step of the default sweep's 1D CNN in PyTorch, as
../shared/bench/peers/sweep_peer.py builds and trains it (its Cnn1d, Adam with L2 1e-4, cross-entropy with label
smoothing 0.1), on [N, 1, 64, 150] random input, 1 thread, batch 16 and 32: forward, backward and optimizer step in ms,
the mean of REPEATS steps after a tenth as many warm-up steps. Prints one JSON line.

Usage: /usr/bin/python3 bench/e2e/peer_step.py [REPEATS] [--peers DIR]   (default 300, ../shared/bench/peers)
"""
import argparse, json, os, sys, time

import torch

here = os.path.dirname(os.path.abspath(__file__))
parser = argparse.ArgumentParser()
parser.add_argument("repeats", nargs="?", type=int, default=300)
parser.add_argument("--peers", default=os.path.join(here, "..", "..", "..", "shared", "bench", "peers"))
args = parser.parse_args()
sys.path.insert(0, args.peers)
import sweep_peer  # noqa: E402  (the peer's own model code)

torch.set_num_threads(1)
result = {"bench": "layers", "side": "pytorch", "torch": torch.__version__, "repeats": args.repeats}
for batch in (16, 32):
    generator = torch.Generator().manual_seed(1)
    model = sweep_peer.Cnn1d(64, [32, 64, 128, 256], 3, True, 0.3, 8, generator)
    optimizer = torch.optim.Adam(model.parameters(), 1e-3, weight_decay=1e-4)
    loss_function = torch.nn.CrossEntropyLoss(label_smoothing=0.1)
    x, y = torch.randn(batch, 1, 64, 150), torch.randint(0, 8, (batch,))
    model.train()
    times = [0.0, 0.0, 0.0]
    for i in range(-(args.repeats // 10), args.repeats):
        t0 = time.perf_counter()
        optimizer.zero_grad()
        loss = loss_function(model(x), y)
        t1 = time.perf_counter()
        loss.backward()
        t2 = time.perf_counter()
        optimizer.step()
        t3 = time.perf_counter()
        if i >= 0:
            times = [times[0] + t1 - t0, times[1] + t2 - t1, times[2] + t3 - t2]
    ms = [round(t * 1000 / args.repeats, 3) for t in times]
    result[f"step_b{batch}_ms"] = {"forward": ms[0], "backward": ms[1], "optimizer": ms[2], "total": round(sum(ms), 3)}
print(json.dumps(result))
