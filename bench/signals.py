"""Benchmark of the signal controllers on the six RESCO scenarios: delay per vehicle vs fixed-time.

Usage: python bench/signals.py [RESCO_DIR] [--seeds 1,2,3] [--controllers fixed,...,hostcity]
       [--scenarios cologne1,...] [--workers N] [--markdown docs/benchmarks/signals.md]

Prints a table (mean delay per vehicle and ratio to fixed-time per scenario) and one JSON line.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from statistics import fmean
from tempfile import TemporaryDirectory
from typing import Any

from hostcity.brain.control.evaluate import evaluate, parse_seeds

SCENARIOS = ("cologne1", "cologne3", "ingolstadt1", "ingolstadt7", "grid4x4", "arterial4x4")
CONTROLLERS = ("fixed", "actuated", "max-pressure", "hostcity")


def run(
    resco: Path,
    scenarios: list[str],
    controllers: list[str],
    seeds: list[int],
    workers: int | None = None,
) -> dict[str, Any]:
    """Evaluate every scenario x controller; returns {scenario: {controller: report}}."""
    results: dict[str, Any] = {}
    with TemporaryDirectory(prefix="hostcity-bench-") as tmp:
        for scenario in scenarios:
            config = resco / scenario / f"{scenario}.sumocfg"
            results[scenario] = {}
            for controller in controllers:
                started = time.monotonic()
                report = evaluate(
                    config, controller, seeds=seeds, workdir=Path(tmp) / scenario, workers=workers
                )
                report["wall_s"] = round(time.monotonic() - started, 1)
                results[scenario][controller] = report
                print(
                    f"  {scenario:<12} {controller:<13} {report['mean_delay_s']:>8.1f} s"
                    f"{'  GRIDLOCK' if report['gridlock'] else ''}  ({report['wall_s']} s)",
                    file=sys.stderr,
                    flush=True,
                )
    return results


def _cell(report: dict[str, Any], fixed: dict[str, Any] | None) -> str:
    per_seed = [row["mean_delay_s"] for row in report["per_seed"]]
    spread = f"{min(per_seed):.0f}-{max(per_seed):.0f}" if len(per_seed) > 1 else ""
    ratio = f" ({report['mean_delay_s'] / fixed['mean_delay_s']:.2f})" if fixed else ""
    lock = " **gridlock**" if report["gridlock"] else ""
    return f"{report['mean_delay_s']:.1f}{ratio}" + (f" [{spread}]" if spread else "") + lock


def summary(results: dict[str, Any], controllers: list[str]) -> dict[str, Any]:
    """Targets of issue 3, checked: ratios to fixed-time, max-pressure comparison, gridlock."""
    out: dict[str, Any] = {"scenarios": {}, "targets": {}}
    ratios: list[float] = []
    for scenario, by_controller in results.items():
        row = {c: by_controller[c]["mean_delay_s"] for c in controllers if c in by_controller}
        row["gridlock"] = {c: by_controller[c]["gridlock"] for c in by_controller}
        if "fixed" in by_controller and "hostcity" in by_controller:
            ratio = (
                by_controller["hostcity"]["mean_delay_s"] / by_controller["fixed"]["mean_delay_s"]
            )
            row["hostcity_vs_fixed"] = round(ratio, 3)
            ratios.append(ratio)
        out["scenarios"][scenario] = row
    if ratios:
        rows = out["scenarios"].values()
        out["targets"] = {
            "hostcity_never_gridlocks": not any(r["gridlock"].get("hostcity") for r in rows),
            "hostcity_at_most_max_pressure_everywhere": all(
                r.get("hostcity", 0) <= r.get("max-pressure", float("inf")) for r in rows
            ),
            "hostcity_30pct_below_fixed_everywhere": all(r <= 0.70 for r in ratios),
            "mean_ratio_to_fixed": round(fmean(ratios), 3),
            "hostcity_45pct_below_fixed_on_average": fmean(ratios) <= 0.55,
        }
    return out


def markdown(results: dict[str, Any], controllers: list[str], seeds: list[int]) -> str:
    """The results as a Markdown table."""
    head = "| scenario | " + " | ".join(controllers) + " |"
    lines = [head, "|" + "---|" * (len(controllers) + 1)]
    for scenario, by_controller in results.items():
        fixed = by_controller.get("fixed")
        cells = [_cell(by_controller[c], fixed) for c in controllers]
        lines.append(f"| {scenario} | " + " | ".join(cells) + " |")
    lines.append("")
    lines.append(
        f"Mean delay per vehicle in seconds over seeds {', '.join(map(str, seeds))} "
        "(ratio to fixed-time) [per-seed range]."
    )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Parse arguments, run the benchmark, print the table and one JSON line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("resco", nargs="?", type=Path, default=Path("../shared/data/traffic/resco"))
    parser.add_argument("--seeds", default="1,2,3")
    parser.add_argument("--controllers", default=",".join(CONTROLLERS))
    parser.add_argument("--scenarios", default=",".join(SCENARIOS))
    parser.add_argument("--workers", type=int, help="parallel runs (default: one per CPU)")
    parser.add_argument("--markdown", type=Path, help="also write the table to this file")
    args = parser.parse_args(argv)
    seeds = parse_seeds(args.seeds)
    controllers = [c.strip() for c in args.controllers.split(",") if c.strip()]
    scenarios = [s.strip() for s in args.scenarios.split(",") if s.strip()]
    missing = [s for s in scenarios if not (args.resco / s / f"{s}.sumocfg").is_file()]
    if missing:
        print(f"error: no {missing[0]}/{missing[0]}.sumocfg under {args.resco}", file=sys.stderr)
        return 2
    if args.workers is not None and args.workers < 1:
        print("error: --workers must be at least 1", file=sys.stderr)
        return 2
    results = run(args.resco, scenarios, controllers, seeds, args.workers)
    table = markdown(results, controllers, seeds)
    print(table)
    if args.markdown:
        args.markdown.write_text(table + "\n")
    print(
        json.dumps({"seeds": seeds, "results": results, "summary": summary(results, controllers)})
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
