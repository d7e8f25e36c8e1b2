"""Times the reference Python GRADIEND library on the core benchmark's steps (run by `pnpm bench core`).

Two sub-commands, each meant for a fresh process so the measuring one's ru_maxrss is its own:

  prepare <checkpoint dir> <out dir>
      Copies config.json and writes the weights of model.safetensors as pytorch_model.bin (torch.save
      of the same state dict). Debian's torch has no safetensors package, and the reference's loader
      falls back to pytorch_model.bin. The safetensors file is parsed by hand (8-byte header length,
      JSON header, raw little-endian data), which is all the format is. Not timed.

  measure <dir> [--threads N] [--save]
      Loads <dir> with the reference's ParamMappedGradiendModel.from_pretrained and times the steps
      through its public methods only. Prints one JSON object on stdout (step names as in steps.ts).

Needs the reference source on PYTHONPATH. Exit code 3 means "cannot measure" (no torch, no reference);
its one-line reason is on stderr.
"""

import json
import os
import platform
import resource
import shutil
import sys
import tempfile
import time

ENCODE_BATCH = 8
TOPK_FRACTION = 0.01


def fail(reason):
    print(reason, file=sys.stderr)
    sys.exit(3)


def import_torch():
    try:
        import torch
    except Exception as exc:  # ImportError or a broken install: either way there is nothing to measure
        fail(f"torch is not importable with {sys.executable}: {exc}")
    return torch


def prepare(checkpoint_dir, out_dir):
    torch = import_torch()
    import numpy as np

    dtypes = {"F32": np.float32, "F64": np.float64, "F16": np.float16, "I64": np.int64, "I32": np.int32}
    path = os.path.join(checkpoint_dir, "model.safetensors")
    with open(path, "rb") as f:
        header_len = int.from_bytes(f.read(8), "little")
        header = json.loads(f.read(header_len))
        data_start = 8 + header_len
        state = {}
        for name, info in header.items():
            if name == "__metadata__":
                continue
            if info["dtype"] not in dtypes:
                fail(f"{path}: tensor {name} has dtype {info['dtype']}, which this script does not convert")
            begin, end = info["data_offsets"]
            f.seek(data_start + begin)
            array = np.frombuffer(f.read(end - begin), dtype=dtypes[info["dtype"]]).reshape(info["shape"])
            state[name] = torch.from_numpy(array.copy())
    os.makedirs(out_dir, exist_ok=True)
    shutil.copyfile(os.path.join(checkpoint_dir, "config.json"), os.path.join(out_dir, "config.json"))
    torch.save(state, os.path.join(out_dir, "pytorch_model.bin"))
    print(json.dumps({"written": sorted(state)}))


def measure(model_dir, threads, with_save):
    torch = import_torch()
    try:
        from gradiend.model import ParamMappedGradiendModel
    except Exception as exc:
        fail(f"the reference library is not importable (PYTHONPATH={os.environ.get('PYTHONPATH', '')}): {exc}")

    if threads is not None:
        torch.set_num_threads(threads)
    seconds = {}

    def timed(step, fn):
        t0 = time.perf_counter()
        out = fn()
        seconds[step] = time.perf_counter() - t0
        return out

    # Inference only, as our core does: no autograd graph is kept for the forward passes.
    with torch.no_grad():
        model = timed("load", lambda: ParamMappedGradiendModel.from_pretrained(model_dir))
        n = int(model.input_dim)
        k = int(len(timed("importance_decoder_weight", lambda: model.get_weight_importance("decoder-weight"))))
        if k != n:
            fail(f"importance has {k} entries, expected {n}")
        top = timed("topk_1pct", lambda: model.get_topk_weights("decoder-weight", topk=TOPK_FRACTION))
        # prune() returns a pruned deep copy by default, so the model the later steps use is untouched.
        pruned = timed("prune_topk_1pct", lambda: model.prune(topk=TOPK_FRACTION))
        pruned_dim = int(pruned.input_dim)
        del pruned
        if pruned_dim != len(top):
            fail(f"pruned input_dim {pruned_dim} differs from the top-k length {len(top)}")

        generator = torch.Generator().manual_seed(20240502)
        # float32 like the checkpoint, so the reference's input check does not cast a copy.
        rows = torch.randn(ENCODE_BATCH, n, generator=generator, dtype=torch.float32)
        batch_bytes = rows.numel() * rows.element_size()
        encoded = timed("encode_batch8", lambda: model.forward_encoder(rows))
        if tuple(encoded.shape)[0] != ENCODE_BATCH:
            fail(f"encoder output has shape {tuple(encoded.shape)}, expected {ENCODE_BATCH} rows")
        first = rows[0].clone()
        del rows, encoded
        decoded = timed("forward_1", lambda: model.forward(first))
        if int(decoded.numel()) != n:
            fail(f"forward output has {int(decoded.numel())} entries, expected {n}")
        del decoded, first

        if with_save:
            # The reference saves as pytorch_model.bin here (no safetensors package): torch.save.
            target = tempfile.mkdtemp(prefix="gradiend-bench-ref-save-")
            try:
                timed("save", lambda: model.save_pretrained(target))
            finally:
                shutil.rmtree(target, ignore_errors=True)

    # Linux reports ru_maxrss in KiB (macOS in bytes; the benchmark targets Linux).
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(
        json.dumps(
            {
                "seconds": seconds,
                "peak_rss_bytes": int(peak_kib) * 1024,
                "batch_bytes": int(batch_bytes),
                "input_dim": n,
                "torch_version": torch.__version__,
                "threads": torch.get_num_threads(),
                "python_version": platform.python_version(),
                "weights_file": "pytorch_model.bin",
            }
        )
    )


def main(argv):
    if len(argv) >= 3 and argv[0] == "prepare":
        prepare(argv[1], argv[2])
        return
    if len(argv) >= 2 and argv[0] == "measure":
        threads = None
        with_save = False
        rest = argv[2:]
        i = 0
        while i < len(rest):
            if rest[i] == "--threads" and i + 1 < len(rest):
                threads = int(rest[i + 1])
                i += 2
            elif rest[i] == "--save":
                with_save = True
                i += 1
            else:
                print(f"unknown option {rest[i]!r}", file=sys.stderr)
                sys.exit(2)
        measure(argv[1], threads, with_save)
        return
    print(__doc__, file=sys.stderr)
    sys.exit(2)


if __name__ == "__main__":
    main(sys.argv[1:])
