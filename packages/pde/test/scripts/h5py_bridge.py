"""Independent reference for the @modewise/pde/io tests: h5py and numpy write and read the
files the TypeScript side reads and writes. Values follow closed formulas so a transposed or
shifted axis shows up as a wrong value, never as a coincidence.

usage:
  h5py_bridge.py write-fno PATH N X Y T         # FNO MATLAB v7.3 layout as MATLAB/h5py store it
  h5py_bridge.py write-pdebench-arrays PATH N T X
  h5py_bridge.py write-pdebench-cfd PATH N T X Y
  h5py_bridge.py write-pdebench-seeds PATH S T X Y C
  h5py_bridge.py write-latest PATH              # superblock v3 (checksummed by HDF5)
  h5py_bridge.py read-fno PATH                  # JSON: variables in MATLAB order (transposed)
  h5py_bridge.py read-h5 PATH                   # JSON: every dataset as stored, root attrs
  h5py_bridge.py write-npy PATH DTYPE ORDER D0 D1 ...
  h5py_bridge.py read-npy PATH                  # JSON: dtype, shape, values (C order)
"""
import json
import sys

import h5py
import numpy as np


def field(shape):
    """value at index (i0, i1, ...) = sum_k (i_k + 1) * 10^(rank-1-k) + 0.25: distinct digits per axis."""
    idx = np.indices(shape, dtype=np.float64)
    rank = len(shape)
    return sum((idx[k] + 1) * 10.0 ** (rank - 1 - k) for k in range(rank)) + 0.25


def write_fno(path, n, x, y, t):
    a = field((n, x, y))
    u = field((n, x, y, t))
    times = np.arange(1, t + 1, dtype=np.float64)
    # Real MATLAB v7.3 files start with a 512-byte user block holding a text header.
    with h5py.File(path, "w", userblock_size=512) as f:
        # MATLAB writes column-major: h5py sees the reversed axes.
        for name, arr in (("a", a.astype(np.float32)), ("u", u.astype(np.float32)), ("t", times[None, :])):
            d = f.create_dataset(name, data=arr.T)
            d.attrs["MATLAB_class"] = np.bytes_("double" if arr.dtype == np.float64 else "single")
    with open(path, "r+b") as raw:
        raw.write(b"MATLAB 7.3 MAT-file, Platform: GLNXA64, Created on: Fri Nov 27 12:00:00 2026 HDF5 schema 1.00 .".ljust(116))


def write_pdebench_cfd(path, n, t, x, y):
    """2D_CFD layout: one [N, T, X, Y] array per field, coordinates, attributes."""
    with h5py.File(path, "w") as f:
        for k, name in enumerate(("density", "Vx", "Vy", "pressure")):
            f.create_dataset(name, data=field((n, t, x, y)).astype(np.float32) + k)
        f.create_dataset("x-coordinate", data=np.linspace(0, 1, x))
        f.create_dataset("y-coordinate", data=np.linspace(0, 1, y))
        f.create_dataset("t-coordinate", data=np.linspace(0, 1, t + 1))
        f.attrs["M"] = 0.1
        f.attrs["eta"] = 0.01


def write_pdebench_arrays(path, n, t, x):
    with h5py.File(path, "w") as f:
        f.create_dataset("tensor", data=field((n, t, x)).astype(np.float32))
        f.create_dataset("x-coordinate", data=(np.arange(x) + 0.5) / x)
        f.create_dataset("t-coordinate", data=np.linspace(0, 2, t + 1))
        f.attrs["nu"] = 0.001


def write_pdebench_seeds(path, s, t, x, y, c):
    with h5py.File(path, "w") as f:
        for i in range(s):
            g = f.create_group(f"{i:04d}")
            g.create_dataset("data", data=field((t, x, y, c)).astype(np.float32) + i)
            g.create_dataset("grid/x", data=np.linspace(-1, 1, x))
            g.create_dataset("grid/y", data=np.linspace(-1, 1, y))
            g.create_dataset("grid/t", data=np.linspace(0, 5, t))
            g.attrs["seed"] = i


def listify(v):
    if isinstance(v, np.ndarray):
        return {"dtype": str(v.dtype), "shape": list(v.shape), "values": v.astype(np.float64).ravel().tolist()}
    if isinstance(v, (bytes, np.bytes_)):
        return v.decode()
    if isinstance(v, np.generic):
        return v.item()
    return v


def read_fno(path):
    out = {}
    with h5py.File(path, "r") as f:
        for k in f.keys():
            out[k] = listify(f[k][()].T)  # what FNO's MatReader does with h5py files
            out[k]["matlab_class"] = listify(f[k].attrs["MATLAB_class"])
        out["@attrs"] = {k: listify(v) for k, v in f.attrs.items()}
        out["@userblock"] = f.userblock_size
    return out


def write_latest(path):
    """A file with superblock v3 (libver='latest'), whose checksum HDF5 itself computes."""
    with h5py.File(path, "w", libver="latest") as f:
        f["x"] = np.arange(3.0)


def read_h5(path):
    out = {}
    with h5py.File(path, "r") as f:
        def visit(name, obj):
            if isinstance(obj, h5py.Dataset):
                out[name] = listify(obj[()])
                out[name]["attrs"] = {k: listify(v) for k, v in obj.attrs.items()}
        f.visititems(visit)
        out["@attrs"] = {k: listify(v) for k, v in f.attrs.items()}
    return out


def main():
    cmd, path, *rest = sys.argv[1:]
    if cmd == "write-fno":
        write_fno(path, *map(int, rest))
    elif cmd == "write-pdebench-arrays":
        write_pdebench_arrays(path, *map(int, rest))
    elif cmd == "write-pdebench-cfd":
        write_pdebench_cfd(path, *map(int, rest))
    elif cmd == "write-pdebench-seeds":
        write_pdebench_seeds(path, *map(int, rest))
    elif cmd == "write-latest":
        write_latest(path)
    elif cmd == "read-fno":
        print(json.dumps(read_fno(path)))
    elif cmd == "read-h5":
        print(json.dumps(read_h5(path)))
    elif cmd == "write-npy":
        dtype, order, *dims = rest
        arr = field(tuple(map(int, dims))).astype(dtype)
        np.save(path, np.asfortranarray(arr) if order == "F" else arr)
    elif cmd == "read-npy":
        arr = np.load(path)
        print(json.dumps({"dtype": str(arr.dtype), "shape": list(arr.shape), "values": arr.astype(np.float64).ravel().tolist()}))
    else:
        raise SystemExit(f"unknown command {cmd}")


if __name__ == "__main__":
    main()
