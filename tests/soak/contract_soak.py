"""The soak of issue 19 (`nox -s soak`, out of CI): guarded contract runs in a row against correct servers
started as separate processes on 127.0.0.1, each through `--base-url` so the guard is active. Any failed
run fails the soak.

Servers: the mock in its `liberal` profile (only what the contract page promises, every freedom taken), and
the same with ids given again after a deletion, as SQLite's rowid does (`liberal-reusing-ids`), the freedom
that made a third of the runs of issue 19 fail.

    python tests/soak/contract_soak.py [--seeds 20] [--first-seed 1] [--servers liberal,liberal-reusing-ids]
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
SERVERS = ("liberal", "liberal-reusing-ids")
# The mock's keys for this soak only, handed to it and to the suite by the environment.
API_KEY, READONLY_API_KEY = "soak-api-key", "soak-readonly-api-key"


def next_number_reusing_ids(self: Any) -> int:
    """The mock's Collection.next_number, giving the largest id in use plus one: a deleted newest item's id
    comes back."""
    return max(self.items, default=0) + 1


def serve_reusing_ids() -> int:
    from rstar_spec import cli
    from rstar_spec.mock import _state

    _state.Collection.next_number = next_number_reusing_ids  # type: ignore[method-assign]
    return cli.main(["mock", "--profile", "liberal", "--port", "0"])


def start(server: str, env: dict[str, str]) -> tuple[subprocess.Popen[str], str]:
    if server == "liberal":
        cmd = [sys.executable, "-m", "rstar_spec.cli", "mock", "--profile", "liberal", "--port", "0"]
    else:
        cmd = [sys.executable, __file__, "--serve-reusing-ids"]
    process = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True)
    assert process.stdout is not None
    line = process.stdout.readline()  # "mock: serving /api/v3 on http://127.0.0.1:PORT/api/v3"
    found = re.search(r"on (http://127\.0\.0\.1:\d+\S*)", line)
    if not found:
        process.kill()
        raise SystemExit(f"soak: the {server} server did not start: {line!r}")
    return process, found.group(1)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seeds", type=int, default=20)
    parser.add_argument("--first-seed", type=int, default=1)
    parser.add_argument("--servers", default=",".join(SERVERS))
    parser.add_argument("--max-examples", type=int, default=30)
    parser.add_argument("--serve-reusing-ids", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve_reusing_ids:
        return serve_reusing_ids()
    env = {**os.environ, "RSTAR_MOCK_API_KEY": API_KEY, "RSTAR_API_KEY": API_KEY,
           "RSTAR_MOCK_READONLY_API_KEY": READONLY_API_KEY, "RSTAR_READONLY_API_KEY": READONLY_API_KEY}  # fmt: skip
    failed: list[str] = []
    runs = 0
    for server in args.servers.split(","):
        if server not in SERVERS:
            raise SystemExit(f"soak: unknown server {server!r}: use {', '.join(SERVERS)}")
        process, base_url = start(server, env)
        try:
            for seed in range(args.first_seed, args.first_seed + args.seeds):
                began = time.monotonic()
                run = subprocess.run(
                    [sys.executable, "-m", "rstar_spec.cli", "contract", "--base-url", base_url, "--seed", str(seed),
                     "--max-examples", str(args.max_examples)],
                    cwd=ROOT, env=env, capture_output=True, text=True,
                )  # fmt: skip
                runs += 1
                said = [line for line in run.stderr.splitlines() if line.startswith("contract:")]
                verdict = "pass" if run.returncode == 0 else f"FAIL (exit {run.returncode})"
                print(f"soak: {server} seed {seed}: {verdict} in {time.monotonic() - began:.0f} s", flush=True)
                if run.returncode != 0:
                    failed.append(f"{server} seed {seed}")
                    print(run.stdout[-4000:], "\n".join(said), sep="\n", flush=True)
        except KeyboardInterrupt:
            failed.append(f"{server} (interrupted)")
            break
        finally:
            process.terminate()
            process.wait(timeout=10)
    print(
        f"soak: {runs - len(failed)} of {runs} guarded runs passed"
        + (f"; failed: {', '.join(failed)}" if failed else "")
    )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
