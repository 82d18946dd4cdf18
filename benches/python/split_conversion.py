"""10M-row split of segcore.logs(df) (pandas string[pyarrow]): Python-side conversion vs the
native builder, and the builder with int ids (the core's own validation/dedup work)."""
import os, sys, time

import numpy as np
ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
sys.path.insert(0, ROOT + "/benches/python"); sys.path.insert(0, ROOT + "/benches/features")
import bench_conversion as bc
from segcore import _frames, _segcore
bc.KINDS[:] = ["pandas_pyarrow"]
cols = bc.load(10_000_000, 1_000_000)
ints = np.unique(cols["customer_id"], return_inverse=True)[1].astype(np.int64)
df = bc.frames(cols)["pandas_pyarrow"]; del cols
k = "pandas"
def T(f):
    t = time.perf_counter(); r = f(); return time.perf_counter() - t, r
print("load", os.getloadavg(), flush=True)
for rep in range(2):
    t_ids, b = T(lambda: _frames.arrow_strings(df, k, "customer_id"))
    t_cat, c = T(lambda: _frames.arrow_strings(df, k, "category"))
    t_num, num = T(lambda: {"timestamp": _frames.times(_frames.get_column(df, k, "timestamp", "t", "x"), "t"),
                            "amount": _frames.floats(_frames.get_column(df, k, "amount", "a", "x"), "a"),
                            "quantity": _frames.floats(_frames.get_column(df, k, "quantity", "q", "x"), "q")})
    t_int, _ = T(lambda: _segcore._build_logs({"customer_id": ints, **num}))
    t_str, _ = T(lambda: _segcore._build_logs({"customer_id": b, **num}))
    t_all, _ = T(lambda: _segcore._build_logs({"customer_id": b, "category": c, **num}))
    print(f"rep {rep}: python side: id buffers {t_ids:.3f}s, category buffers {t_cat:.3f}s, numeric/time columns {t_num:.3f}s | "
          f"native build: int ids {t_int:.3f}s, string-id buffers {t_str:.3f}s, + category buffers {t_all:.3f}s", flush=True)
print("load", os.getloadavg(), flush=True)
