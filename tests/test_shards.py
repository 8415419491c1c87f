"""A class past one machine: ``--shard K/N`` grades one share, ``--merge`` writes what one run
writes, and the Kubernetes Indexed Job that runs them is valid against Kubernetes' schemas.

The shards here run the manifest's own commands (its ``/class`` volume at a temporary folder),
so what the cluster runs is what is tested.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.conftest import LESSONS, ROOT, write_submission

MANIFEST = ROOT / "deploy" / "kubernetes" / "grade-class.yaml"
SEED = 99


def documents() -> list[dict]:
    return list(yaml.safe_load_all(MANIFEST.read_text(encoding="utf-8")))


def job(name: str) -> dict:
    return next(d for d in documents() if d["kind"] == "Job" and d["metadata"]["name"] == name)


def env_of(container: dict) -> dict[str, str]:
    return {e["name"]: e["value"] for e in container.get("env", [])}


@pytest.mark.parametrize("version", ["1.33.0", "1.37.0"])
def test_the_manifest_is_valid_against_kubernetes_schemas(version):
    import kubernetes_validate

    kinds = []
    for document in documents():
        kubernetes_validate.validate(document, version, strict=True)
        kinds.append(document["kind"])
    assert kinds == ["PersistentVolumeClaim", "Job", "Job"]


def test_the_manifest_runs_n_indexed_shards_and_one_merge_of_n():
    shards, merge = job("grade-class-shards"), job("grade-class-merge")
    spec = shards["spec"]
    container = spec["template"]["spec"]["containers"][0]
    n = int(env_of(container)["SHARDS"])
    assert spec["completionMode"] == "Indexed"
    assert spec["completions"] == spec["parallelism"] == n
    wait = merge["spec"]["template"]["spec"]["initContainers"][0]
    assert int(env_of(wait)["SHARDS"]) == n
    images = {
        c["image"]
        for d in (shards, merge)
        for key in ("containers", "initContainers")
        for c in d["spec"]["template"]["spec"].get(key, [])
    }
    assert len(images) == 1  # one grading image everywhere
    claims = {
        v["persistentVolumeClaim"]["claimName"]
        for d in (shards, merge)
        for v in d["spec"]["template"]["spec"]["volumes"]
    }
    pvc = next(d for d in documents() if d["kind"] == "PersistentVolumeClaim")
    assert claims == {pvc["metadata"]["name"]} and pvc["spec"]["accessModes"] == ["ReadWriteMany"]


def test_shard_options_are_checked():
    from autograder.grading.classes.shards import ShardError, parse_shard, share

    assert parse_shard("2/4") == (2, 4)
    for bad in ("0/4", "5/4", "2", "a/b", ""):
        with pytest.raises(ShardError):
            parse_shard(bad)
    shares = [share(10, k, 4) for k in range(1, 5)]
    assert sorted(i for s in shares for i in s) == list(range(10))
    assert [len(s) for s in shares] == [3, 3, 2, 2]


def on_volume(text: str, volume: Path) -> str:
    return text.replace("/class", str(volume))


def course_env() -> dict[str, str]:
    env = dict(os.environ)
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    return env


def run_shard(index: int, volume: Path) -> subprocess.CompletedProcess:
    container = job("grade-class-shards")["spec"]["template"]["spec"]["containers"][0]
    env = {**course_env(), **env_of(container), "SHARDS": "2", "SEED": str(SEED)}
    env["JOB_COMPLETION_INDEX"] = str(index)
    script = on_volume(container["args"][0], volume)
    return subprocess.run(
        [*container["command"], script],
        env=env, cwd=ROOT, capture_output=True, text=True, timeout=900, check=False,
    )  # fmt: skip


def run_merge(volume: Path, *extra: str) -> subprocess.CompletedProcess:
    container = job("grade-class-merge")["spec"]["template"]["spec"]["containers"][0]
    args = [on_volume(a, volume) for a in container["args"]]
    return subprocess.run(
        [sys.executable, "-m", "autograder.cli", *args, "--quiet", *extra],
        env=course_env(), cwd=ROOT, capture_output=True, text=True, timeout=900, check=False,
    )  # fmt: skip


def without_timings(text: str) -> str:
    return re.sub(r"written \d{4}-\d\d-\d\d \d\d:\d\d UTC", "written <when>", text)


@pytest.fixture(scope="module")
def class_volume(tmp_path_factory):
    volume = tmp_path_factory.mktemp("volume")
    subs = volume / "submissions"
    write_submission(subs / "alice", lessons=["01_data", "02_activations"])
    write_submission(subs / "bob", lessons=["01_data"], source=LESSONS)
    write_submission(
        subs / "carol",
        lessons=["01_data"],
        replacements={"normalize": "def normalize(X):\n    return X"},
    )
    write_submission(subs / "dave", lessons=["02_activations"])
    (subs / "erin").mkdir()
    return volume


def test_two_shards_merged_equal_one_run(class_volume):
    volume = class_volume
    one = volume / "one" / "grades.csv"
    single = subprocess.run(
        [
            sys.executable, "-m", "autograder.cli", "grade", str(volume / "submissions"),
            "--out", str(one), "--seed", str(SEED), "--allow-empty", "--quiet", "--lms", "canvas",
        ],
        cwd=ROOT, capture_output=True, text=True, timeout=900, check=False,
    )  # fmt: skip
    assert single.returncode == 0, single.stderr

    early = run_merge(volume)
    assert early.returncode == 2 and "no shard has finished" in early.stderr
    first = run_shard(0, volume)
    assert first.returncode == 0, first.stderr
    assert "shard 1/2: graded 3 of 5 students, seed 99" in first.stdout  # alice, carol, erin
    half = run_merge(volume)
    assert half.returncode == 2 and "1 of 2 shards have not finished: 2/2" in half.stderr
    second = run_shard(1, volume)
    assert second.returncode == 0, second.stderr
    out = volume / "out"
    assert not (out / "grades.csv").exists()  # shards write results only
    merged = run_merge(volume, "--lms", "canvas")
    assert merged.returncode == 0, merged.stderr
    assert "merged 2 shards: 5 students, seed 99" in merged.stdout

    for name in ("grades.csv", "items.csv", "canvas.csv"):
        assert (out / name).read_text() == (one.parent / name).read_text(), name
    assert without_timings((out / "report.html").read_text()) == without_timings(
        (one.parent / "report.html").read_text()
    )
    feedback = sorted(p.name for p in (one.parent / "feedback").iterdir())
    assert feedback == sorted(p.name for p in (out / "feedback").iterdir()) and len(feedback) == 10
    for name in feedback:
        assert (out / "feedback" / name).read_text() == (one.parent / "feedback" / name).read_text()

    wait = job("grade-class-merge")["spec"]["template"]["spec"]["initContainers"][0]
    waited = subprocess.run(
        [*wait["command"], on_volume(wait["args"][0], volume)],
        env={**course_env(), "SHARDS": "2"}, capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert waited.returncode == 0  # both records are there: the merge may start


def test_a_shard_needs_a_seed_and_a_merge_refuses_mixed_shards(class_volume, tmp_path):
    subs = class_volume / "submissions"
    out = tmp_path / "grades.csv"
    done = subprocess.run(
        [sys.executable, "-m", "autograder.cli", "grade", str(subs), "--out", str(out), "--shard", "1/2"],
        cwd=ROOT, capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert done.returncode == 2 and "--shard needs --seed" in done.stderr
    from autograder.grading.classes.shards import ShardError, ShardRecord, load_shards, save_shard

    names = ["alice", "bob", "carol", "dave", "erin"]
    save_shard(out, ShardRecord(1, 2, 5, ["alice", "carol", "erin"], [], "t"))
    save_shard(out, ShardRecord(2, 2, 6, ["bob", "dave"], [], "t"))
    with pytest.raises(ShardError, match="different seeds"):
        load_shards(out, names)
    save_shard(out, ShardRecord(2, 2, 5, ["bob"], [], "t"))
    with pytest.raises(ShardError, match="shard 2/2 did not grade dave"):
        load_shards(out, names)
    save_shard(out, ShardRecord(1, 3, 5, ["alice"], [], "t"))
    with pytest.raises(ShardError, match="shards of 2 and of 3"):
        load_shards(out, names)
