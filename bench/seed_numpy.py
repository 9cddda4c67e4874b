"""The seed's numpy program (seed 002), without plotting: the baseline spikegpu is compared with.

Prints one JSON line: wall seconds of the 1000-step loop (median of --repeats) and the spike count.
"""
import json
import sys
import time

import numpy as np


def run(T=1000, seed=0):
    np.random.seed(seed)
    Ne, Ni = 800, 200
    re = np.random.rand(Ne, 1)
    ri = np.random.rand(Ni, 1)
    a = np.vstack((0.02 * np.ones((Ne, 1)), 0.02 + 0.08 * ri))
    b = np.vstack((0.2 * np.ones((Ne, 1)), 0.25 - 0.05 * ri))
    c = np.vstack((-65 + 15 * re**2, -65 * np.ones((Ni, 1))))
    d = np.vstack((8 - 6 * re**2, 2 * np.ones((Ni, 1))))
    S = np.hstack((0.5 * np.random.rand(Ne + Ni, Ne), -1 * np.random.rand(Ne + Ni, Ni)))
    v = -65 * np.ones((Ne + Ni, 1))
    u = b * v
    firings = np.array([]).reshape(0, 2)
    I_array = np.zeros((Ne + Ni, T))
    v_array = np.zeros((Ne + Ni, T))
    u_array = np.zeros((Ne + Ni, T))
    t0 = time.perf_counter()
    for t in range(0, T):
        I = np.vstack((5 * np.random.randn(Ne, 1), 2 * np.random.randn(Ni, 1)))
        if t > 0:
            I += np.sum(S[:, fired], axis=1).reshape(-1, 1)
        v += 0.5 * (0.04 * v**2 + 5 * v + 140 - u + I)
        v += 0.5 * (0.04 * v**2 + 5 * v + 140 - u + I)
        u += a * (b * v - u)
        fired = np.where(v >= 30)[0]
        if fired.size > 0:
            firings = np.vstack((firings, np.hstack((t * np.ones((fired.size, 1)), fired.reshape(-1, 1)))))
            v[fired] = c[fired]
            u[fired] = u[fired] + d[fired]
        I_array[:, t] = I.flatten()
        v_array[:, t] = v.flatten()
        u_array[:, t] = u.flatten()
    return time.perf_counter() - t0, len(firings)


if __name__ == "__main__":
    repeats = int(sys.argv[1]) if len(sys.argv) > 1 else 3
    runs = [run(seed=k) for k in range(repeats)]
    walls = sorted(w for w, _ in runs)
    print(json.dumps({"wallSeconds": walls[len(walls) // 2], "spikes": runs[0][1], "numpy": np.__version__}))
