"""What the population benchmarks (bench_monitor, bench_recheck) share: a fresh migrated
database with the demo region tree, child processes on it, and their section of
docs/benchmarks.md.

The measured work runs in child processes so that each starts with a clean Django set-up on
the database under test and reports its peak memory alone.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PG_ADMIN = "postgres://postgres@127.0.0.1:5432/postgres"
PG_HOST = "postgres://postgres@127.0.0.1:5432"


def child_env(url: str, var_dir: str) -> dict[str, str]:
    """The environment of a child process on the database at `url`; its files go under
    bench/out/<var_dir>."""
    env = dict(os.environ)
    env.update(
        {
            "DATABASE_URL": url,
            "DJANGO_SETTINGS_MODULE": "config.settings.base",
            "FUPIN_MODE": "dev",
            "PYTHONPATH": str(ROOT),
            "FUPIN_VAR_DIR": str(ROOT / "bench" / "out" / var_dir),
        }
    )
    return env


def fresh_database(vendor: str, *, sqlite_path: Path, pg_name: str, var_dir: str) -> str:
    """An empty, migrated database with the demo region tree; returns its URL."""
    if vendor == "sqlite":
        for suffix in ("", "-wal", "-shm"):
            Path(f"{sqlite_path}{suffix}").unlink(missing_ok=True)
        url = f"sqlite:///{sqlite_path}"
    else:
        import psycopg

        url = f"{PG_HOST}/{pg_name}"
        with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
            if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [pg_name]).fetchone():
                conn.execute(f"CREATE DATABASE {pg_name}")
        # Emptied by dropping its schema: DROP DATABASE would wait on every backend of a shared server.
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute("DROP SCHEMA public CASCADE")
            conn.execute("CREATE SCHEMA public")
    for args in (["migrate", "-v0"], ["import_regions", str(ROOT / "fupin" / "regions" / "data" / "zhuhui.csv")]):
        subprocess.run(
            [sys.executable, "-m", "fupin", *args],
            cwd=ROOT,
            env=child_env(url, var_dir),
            check=True,
            stdout=subprocess.DEVNULL,
        )
    return url


def run_child(url: str, var_dir: str, module: str, *args: str) -> dict:
    """Run `python -m <module> <args>` on the database at `url`; its last line of output is JSON."""
    proc = subprocess.run(
        [sys.executable, "-m", module, *args], cwd=ROOT, env=child_env(url, var_dir), capture_output=True, text=True
    )
    if proc.returncode != 0:
        raise RuntimeError(proc.stderr[-4000:])
    return json.loads(proc.stdout.strip().splitlines()[-1])


def write_section(section: str, body: list[str]) -> Path:
    """Replace (or append) `section` of docs/benchmarks.md with `body`, its first line the heading."""
    doc = ROOT / "docs" / "benchmarks.md"
    text = doc.read_text(encoding="utf-8") if doc.exists() else "# Benchmarks\n"
    start = text.find(section)
    if start == -1:
        text = text.rstrip("\n") + "\n\n" + "\n".join(body)
    else:
        end = text.find("\n## ", start + len(section))
        text = text[:start] + "\n".join(body) + ("\n" + text[end + 1 :] if end != -1 else "")
    doc.write_text(text.rstrip("\n") + "\n", encoding="utf-8")
    return doc


def populated_database(
    vendor: str, persons: int, *, fresh: Callable[[], str], load: Callable[[str], dict]
) -> tuple[str, dict]:
    """A fresh database (`fresh()` returns its URL) with the population loaded by `load(url)`,
    which reports households, persons and seconds; returns the URL and that report."""
    print(f"[{vendor}] fresh database …", flush=True)
    url = fresh()
    print(f"[{vendor}] loading {persons:,} persons …", flush=True)
    loaded = load(url)
    print(
        f"    {loaded['households']:,} households, {loaded['persons']:,} persons in {loaded['seconds']:.1f} s",
        flush=True,
    )
    return url, loaded
