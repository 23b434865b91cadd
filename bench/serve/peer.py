#!/usr/bin/python3
"""The Python/PyTorch peer of `sersweep serve` for deploy/bench --only serve: the SAME model, read from the SerSweep
bundle itself (config.json, model.json, normalization.json and weights.pt, whose TorchSharp format is parsed here:
no export step, no package beyond Debian's python3-torch, python3-torchaudio and python3-soundfile), behind a minimal
stdlib HTTP server (ThreadingHTTPServer, HTTP/1.1 keep-alive): POST /predict with a WAV body answers
{"emotion", "probabilities"} like serve; GET /healthz answers ok. One forward pass per request (no batching): the
straightforward way to serve a PyTorch model without a serving framework.

Features as SerSweep computes them (docs/audio.md): mono, resampled to the bundle's rate (torchaudio's sinc resampler,
where SerSweep has its own, so values differ slightly), offset_seconds skipped, cropped or zero-padded to clip_seconds,
STFT (periodic Hann, centred, reflect padding), power, mel filterbank (torchaudio's, htk or slaney), log(x + 1e-6),
the last frame dropped; then the bundle's normalisation (dataset statistics, or a `speaker` bundle's training speakers'
average for a file without a session). Architectures: cnn1d and cnn2d as src/SerSweep.Training/Models builds them.

Usage: peer.py BUNDLE --port N [--threads T]        peer.py BUNDLE --predict FILE...   (prints JSON lines, no server)
"""
import argparse
import io
import json
import struct
import sys
import zipfile
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import soundfile
import torch
import torch.nn.functional as F
import torchaudio.functional as AF
import torchaudio.transforms as AT

DTYPES = {6: torch.float32, 4: torch.int64, 7: torch.float64, 3: torch.int32}  # TorchSharp ScalarType codes


def leb128(stream):
    result = shift = 0
    while True:
        byte = stream.read(1)[0]
        result |= (byte & 0x7F) << shift
        if byte < 0x80:
            return result
        shift += 7


def torchsharp_state_dict(data):
    """TorchSharp's Module.save: count, then per entry a .NET string (7-bit length + UTF-8) and a tensor (dtype, rank, shape, raw bytes)."""
    stream = io.BytesIO(data)
    state = {}
    for _ in range(leb128(stream)):
        name = stream.read(leb128(stream)).decode()
        dtype = DTYPES[leb128(stream)]
        shape = [leb128(stream) for _ in range(leb128(stream))]
        count = 1
        for d in shape:
            count *= d
        raw = stream.read(count * torch.tensor([], dtype=dtype).element_size())
        state[name] = torch.frombuffer(bytearray(raw), dtype=dtype).reshape(shape).clone()
    return state


class Model(torch.nn.Module):
    """Conv blocks (conv 'same', batch norm, ReLU, pool by 2 but after the last), global pooling, dropout + linear head."""

    def __init__(self, config, item_shape, classes):
        super().__init__()
        self.one_d = config["architecture"] == "cnn1d"
        k, channels = config["kernel_size"], config["channels"]
        conv = torch.nn.Conv1d if self.one_d else torch.nn.Conv2d
        norm = torch.nn.BatchNorm1d if self.one_d else torch.nn.BatchNorm2d
        pool = {"max": torch.nn.MaxPool1d if self.one_d else torch.nn.MaxPool2d, "avg": torch.nn.AvgPool1d if self.one_d else torch.nn.AvgPool2d}
        blocks, inputs = [], item_shape[0] * item_shape[1] if self.one_d else item_shape[0]
        for i, out in enumerate(channels):
            layers = [conv(inputs, out, k, padding=k // 2)]
            if config["batch_norm"]:
                layers.append(norm(out))
            layers.append(torch.nn.ReLU())
            if i < len(channels) - 1 and config.get("pool"):
                layers.append(pool[config["pool"]](2))
            blocks.append(torch.nn.Sequential(*layers))
            inputs = out
        self.blocks = torch.nn.ModuleList(blocks)
        self.avg_max = config.get("global_pool") == "avg_max"
        width = config.get("classifier_width") or 0
        self.head = torch.nn.Sequential(torch.nn.Linear(inputs, width), torch.nn.ReLU(), torch.nn.Linear(width, classes)) if width else torch.nn.Linear(inputs, classes)

    def load_torchsharp(self, state):
        """Maps TorchSharp names (blocks.I.conv|norm.*, head.layers.J.*) onto this module's."""
        mine = {}
        for name, value in state.items():
            parts = name.split(".")
            if parts[0] == "blocks":
                index = 0 if parts[2] == "conv" else 1
                mine[f"blocks.{parts[1]}.{index}.{parts[3]}"] = value
            elif parts[0] == "head":
                linear = [j for j in sorted({int(n.split('.')[2]) for n in state if n.startswith('head.')})]
                target = "head" if len(linear) == 1 else f"head.{0 if int(parts[2]) == linear[0] else 2}"
                mine[f"{target}.{parts[-1]}"] = value
        self.load_state_dict(mine)

    def forward(self, x):
        x = x.flatten(1, 2) if self.one_d else x
        for block in self.blocks:
            x = block(x)
        if not self.one_d:
            x = x.mean(2)
        x = x.mean(2) + (x.amax(2) if self.avg_max else 0)
        return self.head(x)


class Bundle:
    def __init__(self, path):
        with zipfile.ZipFile(path) as z:
            config = json.loads(z.read("config.json"))
            info = json.loads(z.read("model.json"))
            stats = json.loads(z.read("normalization.json"))
            weights = z.read("weights.pt")
        self.feature_config, self.classes, self.item_shape = config["features"], info["classes"], info["item_shape"]
        f = self.feature_config
        if f["kind"] != "log_mel" or f.get("trim_silence") or f["normalize"] == "utterance":
            raise SystemExit(f"peer: only log_mel features without trim_silence or utterance CMVN, got {f}")
        self.model = Model(config["model"], self.item_shape, len(self.classes))
        self.model.load_torchsharp(torchsharp_state_dict(weights))
        self.model.eval()
        self.mel = AT.MelSpectrogram(sample_rate=f["sample_rate"], n_fft=f["n_fft"], win_length=f["win_length"], hop_length=f["hop_length"],
                                     f_min=f["f_min"], f_max=f["f_max"], n_mels=f["n_mels"], power=2.0, center=True, pad_mode="reflect",
                                     norm="slaney" if f["mel_scale"] == "slaney" else None, mel_scale=f["mel_scale"])
        self.clip = round(f["clip_seconds"] * f["sample_rate"])
        self.offset = round(f["offset_seconds"] * f["sample_rate"])
        self.frames = self.clip // f["hop_length"]
        self.stats = None
        if stats is not None and f["normalize"] in ("dataset", "speaker"):
            shape = [1, stats["channels"], stats["rows"], 1]
            self.stats = (torch.tensor(stats["mean"]).reshape(shape), torch.tensor(stats["std"]).reshape(shape))

    def inputs(self, audio_bytes):
        data, rate = soundfile.read(io.BytesIO(audio_bytes), dtype="float32", always_2d=True)
        wave = torch.from_numpy(data.T.copy()).mean(0, keepdim=True)
        if rate != self.feature_config["sample_rate"]:
            wave = AF.resample(wave, rate, self.feature_config["sample_rate"])
        wave = wave[:, self.offset:self.offset + self.clip]
        wave = F.pad(wave, (0, self.clip - wave.shape[1]))
        x = torch.log(self.mel(wave)[..., :self.frames] + 1e-6).unsqueeze(0)  # [1, 1, mels, frames]
        return (x - self.stats[0]) / self.stats[1] if self.stats else x

    def predict(self, audio_bytes):
        with torch.inference_mode():
            p = torch.softmax(self.model(self.inputs(audio_bytes)), 1)[0].tolist()
        best = max(range(len(p)), key=p.__getitem__)
        return {"emotion": self.classes[best], "probabilities": dict(zip(self.classes, p))}


def serve(bundle, port):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def answer(self, status, body):
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self):
            self.answer(200, {"status": "ok"}) if self.path == "/healthz" else self.answer(404, {"detail": "not found"})

        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            try:
                self.answer(200, bundle.predict(body))
            except Exception as e:  # a bad upload: 400 with the reason, the server goes on
                self.answer(400, {"detail": str(e)})

        def log_message(self, *args):
            pass

    ThreadingHTTPServer.daemon_threads = True
    ThreadingHTTPServer.request_queue_size = 128
    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    print(f"peer: serving on http://127.0.0.1:{port}", file=sys.stderr, flush=True)
    server.serve_forever()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("bundle")
    parser.add_argument("--port", type=int)
    parser.add_argument("--threads", type=int, help="torch intra-op threads (default: torch's, one per core)")
    parser.add_argument("--predict", nargs="+", help="predict these files and print one JSON line each (no server)")
    args = parser.parse_args()
    if args.threads:
        torch.set_num_threads(args.threads)
    bundle = Bundle(args.bundle)
    if args.predict:
        for path in args.predict:
            with open(path, "rb") as f:
                print(json.dumps({"file": path, **bundle.predict(f.read())}))
        return
    serve(bundle, args.port)


if __name__ == "__main__":
    main()
