"""The contract suite: schemathesis with every built-in check and ours, stateful
testing through the spec's links, against the embedded mock or any server.

Credentials come from the environment only: RSTAR_API_KEY (and, for the 403
checks, RSTAR_READONLY_API_KEY). Against the embedded mock they default to the
mock's own keys. Nothing here prints them; schemathesis masks them in its output.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from .._errors import UsageError

CONFIG = "schemathesis.toml"
ALL_PHASES = ("examples", "coverage", "fuzzing", "stateful")


@dataclass
class ContractOptions:
    base_url: str | None = None
    max_examples: int = 30
    max_time: int | None = None
    rate_limit: str | None = None
    junit: Path | None = None
    phases: tuple[str, ...] = ALL_PHASES
    seed: int | None = None
    max_failures: int | None = None
    extra: list[str] = field(default_factory=list)


def _schemathesis() -> list[str]:
    beside = Path(sys.executable).parent / "schemathesis"
    found = str(beside) if beside.exists() else shutil.which("schemathesis")
    if found is None:
        raise UsageError("schemathesis is not installed (nox -s contract installs it)")
    return [found]


def run_schemathesis(doc: dict[str, Any], base_url: str, options: ContractOptions, env: dict[str, str]) -> int:
    """One schemathesis run of the suite's configuration; its exit code."""
    with tempfile.TemporaryDirectory(prefix="rstar-contract-") as tmp:
        spec = Path(tmp) / "openapi.json"
        spec.write_text(json.dumps(doc), encoding="utf-8")
        config = resources.files(__package__).joinpath(CONFIG)
        with resources.as_file(config) as config_path:
            cmd = [*_schemathesis(), "--config-file", str(config_path), "run", str(spec), "--url", base_url,
                   "--checks", "all", "--max-examples", str(options.max_examples), "--phases", ",".join(options.phases)]  # fmt: skip
            if options.max_time:
                cmd += ["--max-time", str(options.max_time)]
            if options.rate_limit:
                cmd += ["--rate-limit", options.rate_limit]
            if options.junit:
                cmd += ["--report", "junit", "--report-junit-path", str(options.junit)]
            if options.seed is not None:
                cmd += ["--seed", str(options.seed)]
            if options.max_failures:
                cmd += ["--max-failures", str(options.max_failures)]
            cmd += options.extra
            return subprocess.run(cmd, env=env, check=False, cwd=tmp).returncode


def run_contract(root_file: Path, overlays_dir: Path, options: ContractOptions) -> int:
    """Against options.base_url, or the embedded mock started on a free loopback port."""
    from ..pipeline import build_target

    env = dict(os.environ)
    if options.base_url:
        if not env.get("RSTAR_API_KEY"):
            raise UsageError(
                "RSTAR_API_KEY is not set: the suite authenticates with it (from the environment, never argv)"
            )
        from ..bundle import bundle

        return run_schemathesis(bundle(root_file).data, options.base_url.rstrip("/"), options, env)
    from ..mock import Credentials, MockSettings, running_mock

    credentials = Credentials.from_env()
    env.setdefault("RSTAR_API_KEY", credentials.api_key)
    env.setdefault("RSTAR_READONLY_API_KEY", credentials.readonly_api_key)
    doc = build_target(root_file, "mock", overlays_dir)
    with running_mock(doc, MockSettings(credentials=credentials, validate_responses=True)) as base_url:
        print(f"contract: embedded mock on {base_url}", file=sys.stderr, flush=True)
        return run_schemathesis(doc, base_url, options, env)
