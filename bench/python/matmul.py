"""Times numpy's fp32 matrix multiply [m, k] x [k, n] (the machine's BLAS) and prints GFLOP/s per repetition as JSON."""
import json
import sys
import time

import numpy as np

m, k, n = (int(value) for value in sys.argv[1].split(","))
warmup, repetitions = int(sys.argv[2]), int(sys.argv[3])
generator = np.random.default_rng(0)
a = generator.standard_normal((m, k), dtype=np.float32)
b = generator.standard_normal((k, n), dtype=np.float32)
values = []
for index in range(warmup + repetitions):
    started = time.perf_counter()
    a @ b
    seconds = time.perf_counter() - started
    if index >= warmup:
        values.append(2 * m * k * n / seconds / 1e9)
config = np.show_config(mode="dicts") if hasattr(np, "show_config") else {}
blas = config.get("Build Dependencies", {}).get("blas", {}).get("name", "unknown") if isinstance(config, dict) else "unknown"
print(json.dumps({"gflops": values, "numpy": np.__version__, "blas": blas}))
