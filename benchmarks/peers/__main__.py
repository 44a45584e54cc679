"""`python -m benchmarks.peers [--scales 1,10] [--quick] [--port-base 8760] [--no-superset]`."""

from __future__ import annotations

import argparse

from benchmarks.peers.section import DEFAULT_PORT_BASE, Options, run_peers


def main() -> None:
    parser = argparse.ArgumentParser(description="The peers section of the benchmark, alone.")
    parser.add_argument("--scales", default="1,10")
    parser.add_argument(
        "--quick", action="store_true", help="3 rounds instead of 7 (browser: 3 instead of 5)"
    )
    parser.add_argument("--port-base", type=int, default=DEFAULT_PORT_BASE)
    parser.add_argument("--no-superset", action="store_true")
    args = parser.parse_args()
    options = Options(
        scales=[float(s) for s in args.scales.split(",")],
        rounds=3 if args.quick else 7,
        browser_rounds=3 if args.quick else 5,
        port_base=args.port_base,
        superset=not args.no_superset,
    )
    print(run_peers(options))


if __name__ == "__main__":
    main()
