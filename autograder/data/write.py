"""Writing data sets safely: hashes, Kaggle-format CSV files (gzip deterministic), and folders that
are built beside their destination and renamed into place, so a data folder is never half-written."""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import secrets
import shutil
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import IO

import numpy as np

from autograder.data.files import KNOWN_NAMES, MANIFEST, TEST_COLUMNS, TRAIN_COLUMNS
from autograder.data.load import count_rows, open_bytes
from autograder.errors import DataError

LICENSE_NOTE = (
    "MNIST database by Yann LeCun and Corinna Cortes (with Christopher J.C. Burges), "
    "licensed under CC BY-SA 3.0 (https://creativecommons.org/licenses/by-sa/3.0/). "
    "Re-split into Kaggle's Digit Recognizer CSV format by Digits from Scratch."
)
"""The data's licence, recorded in every MANIFEST.json the course writes."""


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        while chunk := f.read(1 << 22):
            h.update(chunk)
    return h.hexdigest()


def sha256_content(path: Path) -> str:
    """sha256 of the file's content after gzip decompression (plain files: of the bytes)."""
    h = hashlib.sha256()
    with open_bytes(path) as f:
        while chunk := f.read(1 << 22):
            h.update(chunk)
    return h.hexdigest()


def check_sha256(data_or_path: bytes | Path, expected: str, what: str) -> None:
    got = (
        sha256_file(data_or_path)
        if isinstance(data_or_path, Path)
        else hashlib.sha256(data_or_path).hexdigest()
    )
    if got != expected:
        raise DataError(
            f"{what} has sha256 {got}, expected {expected}: the download is corrupt or not the "
            f"published file. Nothing was written; try again, or use the other source (--source)."
        )


# Each byte value 0..255 as its decimal digits followed by a comma, padded to 4 bytes.
_TOKENS = np.zeros((256, 4), dtype=np.uint8)
_TOKEN_LEN = np.zeros(256, dtype=np.int64)
for _v in range(256):
    _s = f"{_v},".encode()
    _TOKENS[_v, : len(_s)] = np.frombuffer(_s, dtype=np.uint8)
    _TOKEN_LEN[_v] = len(_s)
del _v, _s


def _uint8_rows_to_csv(block: np.ndarray) -> bytes:
    """CSV text (``\\n`` line ends) of a 2-D uint8 array, exactly ``",".join(map(str, row))``."""
    block = np.ascontiguousarray(block, dtype=np.uint8)
    if block.size == 0:
        return b""
    lengths = _TOKEN_LEN[block]
    mask = np.arange(4) < lengths[..., None]
    out = _TOKENS[block][mask]
    out[np.cumsum(lengths.sum(axis=1)) - 1] = ord("\n")
    return out.tobytes()


class _Output:
    """A binary file for writing; ``.gz`` names are gzipped deterministically (mtime 0, fixed name)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._raw = open(path, "wb")  # noqa: SIM115 - closed by close() / __exit__
        if path.name.endswith(".gz"):
            self._f: IO[bytes] = gzip.GzipFile(
                filename=path.name[: -len(".gz")],
                mode="wb",
                compresslevel=9,
                fileobj=self._raw,
                mtime=0,
            )
        else:
            self._f = self._raw

    def write(self, data: bytes) -> None:
        self._f.write(data)

    def close(self) -> None:
        if self._f is not self._raw:
            self._f.close()
        self._raw.close()

    def __enter__(self) -> _Output:  # noqa: PYI034
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def progress_bar(total: int, desc: str, enabled: bool, unit: str = "rows"):
    from tqdm.auto import tqdm

    return tqdm(
        total=total, desc=desc, unit=unit, unit_scale=True, disable=not enabled, leave=False
    )


def write_image_csv(
    path: Path, images: np.ndarray, labels: np.ndarray | None, progress: bool, chunk: int = 2000
) -> None:
    """Write Kaggle's train.csv (with labels) or test.csv (labels None) format."""
    header = ",".join(TRAIN_COLUMNS if labels is not None else TEST_COLUMNS) + "\n"
    n = len(images)
    with _Output(path) as out, progress_bar(n, f"writing {path.name}", progress) as bar:
        out.write(header.encode())
        for start in range(0, n, chunk):
            block = images[start : start + chunk]
            if labels is not None:
                block = np.column_stack([labels[start : start + chunk].astype(np.uint8), block])
            out.write(_uint8_rows_to_csv(block))
            bar.update(len(block))


def write_id_label_csv(path: Path, labels: np.ndarray) -> None:
    """Write ``ImageId,Label`` with ImageId 1..N."""
    body = "".join(f"{i},{int(v)}\n" for i, v in enumerate(labels.tolist(), start=1))
    with _Output(path) as out:
        out.write(("ImageId,Label\n" + body).encode())


def staging_dir(dest: Path, tag: str) -> Path:
    """A fresh hidden folder next to ``dest`` (same file system, so a rename moves it in place)."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{dest.name}.{tag}-", dir=dest.parent))
    # mkdtemp makes the folder private (0700); give it the usual permissions for the user's umask.
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(staging, 0o777 & ~umask)
    return staging


def ensure_replaceable(dest: Path) -> None:
    """Refuse to replace a folder holding anything but data-set files."""
    if not dest.exists():
        return
    if not dest.is_dir():
        raise DataError(
            f"{dest} exists and is not a folder. Move it away or choose another destination."
        )
    others = sorted(p.name for p in dest.iterdir() if p.name not in KNOWN_NAMES or not p.is_file())
    if others:
        raise DataError(
            f"{dest} holds other files ({', '.join(others[:5])}); refusing to replace it. "
            f"Move them away or choose another destination."
        )


def install_dir(staging: Path, dest: Path) -> None:
    """Move the finished ``staging`` folder to ``dest``, replacing an existing data folder."""
    if dest.exists():
        ensure_replaceable(dest)
        old = dest.parent / f".{dest.name}.old-{os.getpid()}-{secrets.token_hex(4)}"
        os.replace(dest, old)
        try:
            os.replace(staging, dest)
        except BaseException:
            os.replace(old, dest)
            raise
        shutil.rmtree(old, ignore_errors=True)
    else:
        os.replace(staging, dest)


def write_manifest(directory: Path, manifest: dict) -> None:
    (directory / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")


def file_entries(directory: Path, names: Iterable[str]) -> dict[str, dict]:
    entries = {}
    for name in names:
        p = directory / name
        entries[name] = {
            "rows": count_rows(p),
            "bytes": p.stat().st_size,
            "sha256": sha256_file(p),
        }
        if name.endswith(".gz"):
            entries[name]["content_sha256"] = sha256_content(p)
    return entries
