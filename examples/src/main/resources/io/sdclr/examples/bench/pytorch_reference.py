"""PyTorch eager reference for `./sdclr bench pretrain --reference pytorch` (not a product dependency).

The same training loop as sdclr's DJL engine (io.sdclr.steps.train.PretrainLoop), written the way the official
SDCLR code writes it: CIFAR ResNet-18 of BasicBlocks with a width multiplier, 1-channel stem, normalisation inside
the model, masked convolutions (weight * mask inside autograd) and dual BatchNorm selected by branch, the 3-layer
(SDCLR) or 2-layer (SimCLR) projection head, NT-Xent over 2N projections, one backward, SGD momentum 0.9 with
weight decay on all parameters, warm-up + cosine per iteration, and the global magnitude mask rebuilt at the start
of every epoch. Views: random resized crop (scale 0.1-1, log-uniform ratio, bicubic), flip, brightness/contrast
jitter with p 0.8, per sample with torch ops. Augmentation time and forward/backward/update time are measured
apart. Ends with the two lines of the DJL benchmark:
  bench-detail: impl=pytorch method=M iters=I allocator=A step_images_per_second=S steady_images_per_second=T
    rss_mb_by_epoch=a,b,c   (T: forward/backward/update after the first 10 iterations, as the DJL side)
  bench: method=M width=W batch=B images_per_second=R aug_fraction=F peak_rss_mb=P
Run by the benchmark with Debian's python3-torch (apt-get install python3-torch libopenblas0-openmp).
"""
import argparse
import gzip
import math
import os
import struct
import sys
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

WARMUP_ITERS = 10  # left out of the steady rate, as PretrainLoop.WARMUP_ITERS


class Net(nn.Module):
    """Dual-branch CIFAR ResNet-18; self.pruned selects masked weights and BN set 1."""

    def __init__(self, method, width, channels, mean, std):
        super().__init__()
        self.pruned = False
        self.convs = []
        self.register_buffer("mean", torch.tensor(mean).view(1, -1, 1, 1))
        self.register_buffer("std", torch.tensor(std).view(1, -1, 1, 1))
        w = [max(1, int(round(c * width))) for c in (64, 128, 256, 512)]
        self.stem = self.conv(channels, w[0], 3, 1)
        self.stem_bn = self.bn(w[0])
        blocks, cin = [], w[0]
        for i, cout in enumerate(w):
            for j in range(2):
                stride = 2 if (i > 0 and j == 0) else 1
                blocks.append(self.block(cin, cout, stride))
                cin = cout
        self.blocks = nn.ModuleList(blocks)
        f = w[3]
        if method == "sdclr":
            self.head = nn.ModuleList([nn.Linear(f, f), self.bn1d(f), nn.Linear(f, f, bias=False), self.bn1d(f),
                                       nn.Linear(f, 128, bias=False), self.bn1d(128)])
            self.relu_after = {1, 3}
        else:
            self.head = nn.ModuleList([nn.Linear(f, f), self.bn1d(f), nn.Linear(f, 128, bias=False),
                                       self.bn1d(128)])
            self.relu_after = {1}
        for m in self.modules():
            if isinstance(m, nn.Conv2d):
                nn.init.kaiming_normal_(m.weight, mode="fan_out", nonlinearity="relu")

    def conv(self, cin, cout, k, stride):
        c = nn.Conv2d(cin, cout, k, stride, k // 2, bias=False)
        c.register_buffer("mask", torch.ones_like(c.weight))
        self.convs.append(c)
        return c

    def bn(self, c):
        return nn.ModuleList([nn.BatchNorm2d(c), nn.BatchNorm2d(c)])

    def bn1d(self, c):
        return nn.ModuleList([nn.BatchNorm1d(c), nn.BatchNorm1d(c)])

    def block(self, cin, cout, stride):
        b = nn.Module()
        b.c1, b.b1 = self.conv(cin, cout, 3, stride), self.bn(cout)
        b.c2, b.b2 = self.conv(cout, cout, 3, 1), self.bn(cout)
        b.sc = None
        if stride != 1 or cin != cout:
            b.sc, b.sb = self.conv(cin, cout, 1, stride), self.bn(cout)
        return b

    def c(self, conv, x):
        w = conv.weight * conv.mask if self.pruned else conv.weight
        return F.conv2d(x, w, None, conv.stride, conv.padding)

    def n(self, bns, x):
        return bns[1 if self.pruned else 0](x)

    def forward(self, x, pruned):
        self.pruned = pruned
        x = (x - self.mean) / self.std
        x = F.relu(self.n(self.stem_bn, self.c(self.stem, x)))
        for b in self.blocks:
            out = F.relu(self.n(b.b1, self.c(b.c1, x)))
            out = self.n(b.b2, self.c(b.c2, out))
            short = x if b.sc is None else self.n(b.sb, self.c(b.sc, x))
            x = F.relu(out + short)
        x = torch.flatten(F.adaptive_avg_pool2d(x, 1), 1)
        for i in range(0, len(self.head), 2):
            x = self.n(self.head[i + 1], self.head[i](x))
            if i + 1 in self.relu_after:
                x = F.relu(x)
        return x

    @torch.no_grad()
    def rebuild_mask(self, p):
        mags = torch.cat([c.weight.detach().abs().flatten() for c in self.convs])
        k = math.ceil(p * mags.numel())
        threshold = torch.sort(mags).values[min(k, mags.numel() - 1)]
        for c in self.convs:
            c.mask.copy_((c.weight.abs() >= threshold).float())


def nt_xent(z1, z2, t):
    z = F.normalize(torch.cat([z1, z2]), dim=1)
    n = z1.shape[0]
    sim = z @ z.t() / t
    sim.fill_diagonal_(float("-inf"))
    target = torch.cat([torch.arange(n, 2 * n), torch.arange(0, n)]).to(z.device)
    return F.cross_entropy(sim, target)


def view(img, rng, size):
    """One augmented view of a (1, H, W) float image in [0, 1]."""
    _, h, w = img.shape
    area = h * w
    box = None
    for _ in range(10):
        target = area * rng.uniform(0.1, 1.0)
        ratio = math.exp(rng.uniform(math.log(3 / 4), math.log(4 / 3)))
        cw = int(round(math.sqrt(target * ratio)))
        ch = int(round(math.sqrt(target / ratio)))
        if 0 < cw <= w and 0 < ch <= h:
            box = (rng.integers(0, h - ch + 1), rng.integers(0, w - cw + 1), ch, cw)
            break
    if box is None:
        box = (0, 0, h, w)
    y, x, ch, cw = box
    v = F.interpolate(img[None, :, y:y + ch, x:x + cw], size=(size, size), mode="bicubic",
                      align_corners=False)[0].clamp_(0, 1)
    if rng.random() < 0.5:
        v = v.flip(-1)
    if rng.random() < 0.8:
        for op in rng.permutation(2):
            if op == 0:
                v = (v * rng.uniform(0.6, 1.4)).clamp_(0, 1)
            else:
                m = v.mean()
                v = ((v - m) * rng.uniform(0.6, 1.4) + m).clamp_(0, 1)
    return v


def read_images(path, n):
    with gzip.open(path, "rb") if path.endswith(".gz") else open(path, "rb") as f:
        magic, count, rows, cols = struct.unpack(">IIII", f.read(16))
        if magic != 0x803:
            sys.exit(f"{path}: not an IDX image file (magic {magic:#x}, expected 0x803)")
        n = min(n, count)
        data = np.frombuffer(f.read(n * rows * cols), dtype=np.uint8)
    return torch.from_numpy(data.reshape(n, 1, rows, cols).astype(np.float32) / 255.0)


def rss_mb(field):
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1]) // 1024
    return -1


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--method", default="sdclr", choices=["sdclr", "simclr"])
    ap.add_argument("--width", type=float, default=0.25)
    ap.add_argument("--batch", type=int, default=256)
    ap.add_argument("--iters", type=int, default=200)
    ap.add_argument("--epochs", type=int, default=4)
    ap.add_argument("--data", required=True)
    ap.add_argument("--image", default="28x28x1", choices=["28x28x1", "32x32x3"],
                    help="32x32x3: the images zero-padded to 32x32 and copied to 3 channels (CIFAR's shape)")
    ap.add_argument("--layout", default="nchw", choices=["nchw", "nhwc"],
                    help="nhwc: model and views in torch.channels_last, as sdclr's CPU pretraining")
    ap.add_argument("--profile", help="write torch.autograd.profiler's Chrome trace of the whole run here")
    ap.add_argument("--threads", type=int, default=os.cpu_count())
    ap.add_argument("--device", default="cpu", help="cpu, or cuda for GPU 0 (views are made on the CPU, as in "
                    "the official DataLoader, and copied over inside the timed step)")
    a = ap.parse_args()
    dev = torch.device("cuda:0" if a.device in ("cuda", "gpu") else "cpu")
    torch.set_num_threads(a.threads)
    torch.set_num_interop_threads(1)
    torch.manual_seed(1)
    per_epoch = -(-a.iters // a.epochs)
    images = read_images(a.data, a.batch * per_epoch)
    per_epoch = images.shape[0] // a.batch
    channels, mean, std = 1, [0.2860], [0.3530]
    if a.image == "32x32x3":
        pad = (32 - images.shape[-1]) // 2
        padded = F.pad(images, (pad, pad, pad, pad))
        images = torch.cat([padded * (4 - c) / 4 for c in range(3)], dim=1)
        channels, mean, std = 3, [0.4914, 0.4822, 0.4465], [0.2470, 0.2435, 0.2616]
    size = images.shape[-1]
    print(f"[pytorch] torch {torch.__version__}, {torch.get_num_threads()} threads, mkldnn "
          f"{torch.backends.mkldnn.is_available()}, {per_epoch} iterations x {a.epochs} epochs on {dev}",
          file=sys.stderr)
    fmt = torch.channels_last if a.layout == "nhwc" else torch.contiguous_format
    net = Net(a.method, a.width, channels, mean, std).to(dev, memory_format=fmt)
    net.train()
    lr = 0.5 * a.batch / 512
    opt = torch.optim.SGD(net.parameters(), lr=lr, momentum=0.9, weight_decay=1e-4)
    rng = np.random.default_rng(1)
    aug_s = step_s = 0.0
    trained = 0
    warm = None  # (step seconds, images) after WARMUP_ITERS iterations
    done = 0
    rss = []
    total = a.epochs * per_epoch
    prof = torch.autograd.profiler.profile(record_shapes=True) if a.profile else None
    if prof is not None:
        prof.__enter__()
    for epoch in range(1, a.epochs + 1):
        if a.method == "sdclr":
            net.rebuild_mask(0.9)
        order = torch.from_numpy(rng.permutation(images.shape[0]))
        for it in range(per_epoch):
            t0 = time.perf_counter()
            idx = order[it * a.batch:(it + 1) * a.batch]
            v1 = torch.stack([view(images[i], rng, size) for i in idx])
            v2 = torch.stack([view(images[i], rng, size) for i in idx])
            t1 = time.perf_counter()
            g = (epoch - 1) * per_epoch + it
            for group in opt.param_groups:
                group["lr"] = 1e-6 + 0.5 * (lr - 1e-6) * (1 + math.cos(math.pi * g / total))
            v1, v2 = v1.to(dev, memory_format=fmt), v2.to(dev, memory_format=fmt)
            loss = nt_xent(net(v1, False), net(v2, a.method == "sdclr"), 0.2)
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
            loss_value = loss.item()
            t2 = time.perf_counter()
            aug_s += t1 - t0
            step_s += t2 - t1
            trained += a.batch
            done += 1
            if done == WARMUP_ITERS:
                warm = (step_s, trained)
        rss.append(rss_mb("VmRSS"))
        print(f"[pytorch] epoch {epoch}/{a.epochs} loss {loss_value:.4f} "
              f"{trained / (aug_s + step_s):.0f} img/s", file=sys.stderr)
    if prof is not None:
        prof.__exit__(None, None, None)
        prof.export_chrome_trace(a.profile)
    with open("/proc/self/maps") as maps:
        jemalloc = "libjemalloc" in maps.read()
    if jemalloc:
        allocator = "jemalloc"
    else:
        allocator = "tuned" if "MALLOC_MMAP_MAX_" in os.environ else "default"
    steady = 0.0 if warm is None or step_s <= warm[0] else (trained - warm[1]) / (step_s - warm[0])
    print(f"bench-detail: impl=pytorch method={a.method} iters={a.epochs * per_epoch} allocator={allocator} "
          f"step_images_per_second={trained / step_s:.1f} steady_images_per_second={steady:.1f} rss_mb_by_epoch={','.join(map(str, rss))}")
    print(f"bench: method={a.method} width={a.width} batch={a.batch} "
          f"images_per_second={trained / (aug_s + step_s):.1f} aug_fraction={aug_s / (aug_s + step_s):.4f} "
          f"peak_rss_mb={rss_mb('VmHWM')}")


if __name__ == "__main__":
    main()
