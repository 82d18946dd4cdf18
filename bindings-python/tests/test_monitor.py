"""Long fits from a notebook: Ctrl-C stops them with KeyboardInterrupt, the GIL is released
while they run, and progress reaches a tqdm bar (here a fake tqdm recording its updates)."""

import _thread
import os
import signal
import sys
import threading
import time
import types

import numpy as np
import pytest

import segcore
from typed_helpers import blobs as _blobs

# Behaviour bound, not a speed figure: the target is < 1 s on an idle machine (the fit stops at
# its next iteration after the ~50 ms signal check); the bound leaves room for a loaded CI box.
INTERRUPT_BOUND_S = 3.0


def _interrupt_after(delay, how):
    fired = {}

    def fire():
        fired["t"] = time.perf_counter()
        if how == "interrupt_main":
            _thread.interrupt_main()
        else:
            os.kill(os.getpid(), signal.SIGINT)

    t = threading.Timer(delay, fire)
    t.daemon = True
    t.start()
    return t, fired


LONG_FITS = {
    # thousands of k-means++ restarts: minutes of work if not interrupted
    "kmeans": lambda X: segcore.KMeans(8, n_init=100_000, max_iter=300, tol=0.0, verbose=False).fit(X),
    # tol=0: EM never declares convergence, many restarts
    "gmm": lambda X: segcore.GaussianMixture(6, tol=0.0, max_iter=100_000, n_init=50, verbose=False).fit(X),
    # L-BFGS with a tolerance it cannot reach
    "logistic": lambda X: segcore.LogisticChurn(solver="lbfgs", tol=1e-300, max_iter=10_000_000, C=1e12,
                                                verbose=False).fit(X, X[:, 0] + np.sin(37.0 * X[:, 1]) > 0),
}


@pytest.mark.parametrize("name", sorted(LONG_FITS))
@pytest.mark.parametrize("how", ["interrupt_main", "sigint"])
def test_ctrl_c_stops_a_long_fit_quickly(name, how):
    X = _blobs(200_000)
    timer, fired = _interrupt_after(0.6, how)
    start = time.perf_counter()
    try:
        with pytest.raises(KeyboardInterrupt):
            LONG_FITS[name](X)
    finally:
        timer.cancel()
    end = time.perf_counter()
    assert "t" in fired, "the fit ended before the signal was sent"
    assert fired["t"] >= start
    latency = end - fired["t"]
    assert 0.0 <= latency < INTERRUPT_BOUND_S, f"KeyboardInterrupt {latency:.2f} s after the signal"


def test_the_gil_is_released_during_a_fit():
    X = _blobs(20_000)
    ticks = []
    stop = threading.Event()

    def count():
        while not stop.is_set():
            ticks.append(time.perf_counter())
            time.sleep(0.005)

    t = threading.Thread(target=count)
    start = time.perf_counter()
    t.start()
    segcore.GaussianMixture(6, tol=0.0, max_iter=100, n_init=1, verbose=False).fit(X)
    end = time.perf_counter()
    stop.set()
    t.join()
    during = [x for x in ticks if start < x < end]
    # a thread starved by a held GIL would tick about once per switch interval of the fit's
    # own Python work; with the GIL released it ticks every ~5 ms
    assert end - start > 0.2
    assert len(during) >= 0.1 * (end - start) / 0.005


class FakeTqdm:
    """Records what a monitored fit does to its bar."""

    instances = []

    def __init__(self, total=None, desc=None, delay=0.0, leave=True, **kw):
        self.total, self.desc, self.delay, self.n = total, desc, delay, 0
        self.history = []
        self.resets = 0
        self.closed = False
        FakeTqdm.instances.append(self)

    def update(self, k=1):
        self.n += k
        self.history.append((self.desc, self.n, self.total))

    def reset(self, total=None):
        self.n, self.total = 0, total
        self.resets += 1

    def set_description(self, desc, refresh=True):
        self.desc = desc

    def close(self):
        self.closed = True


@pytest.fixture
def fake_tqdm(monkeypatch):
    import segcore._base

    # make the bar from the first report on (the default waits 0.5 s, then tqdm 0.5 s more)
    monkeypatch.setattr(segcore._base, "_PROGRESS_DELAY", 0.02)
    FakeTqdm.instances = []
    auto = types.ModuleType("tqdm.auto")
    auto.tqdm = FakeTqdm
    pkg = types.ModuleType("tqdm")
    pkg.auto = auto
    pkg.tqdm = FakeTqdm
    monkeypatch.setitem(sys.modules, "tqdm", pkg)
    monkeypatch.setitem(sys.modules, "tqdm.auto", auto)
    return FakeTqdm


def test_progress_reaches_the_bar_and_increases(fake_tqdm):
    X = _blobs(20_000)
    gm = segcore.GaussianMixture(4, tol=0.0, max_iter=60, n_init=3).fit(X)
    assert len(fake_tqdm.instances) == 1
    bar = fake_tqdm.instances[0]
    assert bar.closed and bar.delay > 0  # short fits stay silent
    assert bar.desc == "gaussian mixture"
    # the k-means start reports as "kmeans" first; EM's own reports count over all starts
    ns = [n for stage, n, _ in bar.history if stage == "gaussian mixture"]
    assert len(ns) >= 3, bar.history
    assert all(b > a for a, b in zip(ns, ns[1:])), ns
    # EM with tol=0 runs every iteration of every start: the last report is 180 of 180
    assert bar.history[-1] == ("gaussian mixture", 180, 180)
    assert gm.n_iter_ == 60


def test_kmeans_restarts_reset_the_bar(fake_tqdm):
    X = _blobs(50_000)
    segcore.KMeans(6, n_init=12, max_iter=100_000, tol=0.0, random_state=1).fit(X)
    bar = fake_tqdm.instances[0]
    assert bar.closed and all(total == 100_000 for _, _, total in bar.history)
    assert all(n >= 1 for _, n, _ in bar.history)


def test_verbose_false_makes_no_bar_and_the_same_model(fake_tqdm):
    X = _blobs(20_000)
    a = segcore.KMeans(5, n_init=3, random_state=2, verbose=False).fit(X)
    assert fake_tqdm.instances == []
    b = segcore.KMeans(5, n_init=3, random_state=2).fit(X)
    np.testing.assert_array_equal(a.cluster_centers_, b.cluster_centers_)
    np.testing.assert_array_equal(a.labels_, b.labels_)


def test_without_tqdm_fits_work(monkeypatch):
    monkeypatch.setitem(sys.modules, "tqdm", None)
    monkeypatch.setitem(sys.modules, "tqdm.auto", None)
    from segcore._base import _progress_bar

    bar = _progress_bar("x")
    bar.update("kmeans", 1, 10)
    bar.close()
    assert bar.bar is None  # tqdm cannot be imported: no bar, no error
    X = _blobs(5_000)
    km = segcore.KMeans(3, random_state=0).fit(X)
    ref = segcore.KMeans(3, random_state=0, verbose=False).fit(X)
    assert km.inertia_ == ref.inertia_


def test_core_errors_still_surface_from_a_monitored_fit():
    with pytest.raises(segcore.InvalidParameterError, match="k"):
        segcore.KMeans(10, verbose=False).fit(np.zeros((3, 2)))


def test_short_fits_make_no_bar(fake_tqdm, monkeypatch):
    import segcore._base

    monkeypatch.setattr(segcore._base, "_PROGRESS_DELAY", 30.0)
    segcore.KMeans(3, random_state=0).fit(_blobs(2_000))
    assert fake_tqdm.instances == []
