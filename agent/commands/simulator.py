"""`marketsync simulator`: the local wszystko.pl stand-in, in the foreground until Ctrl-C."""

from __future__ import annotations

import argparse

HELP = "run the local wszystko.pl simulator"
# The simulator needs no configuration and leaves no log files behind.
LOGS_TO_FILE = False


def _non_negative(text: str) -> int:
    value = int(text)
    if value < 0:
        raise argparse.ArgumentTypeError("must be 0 or more")
    return value


def _share(text: str) -> float:
    value = float(text)
    if not 0.0 <= value <= 1.0:
        raise argparse.ArgumentTypeError("must be between 0 and 1")
    return value


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    parser.add_argument("--port", type=_non_negative, default=8765, help="port (default 8765; 0 = any free port)")
    parser.add_argument("--auto-consent", action="store_true",
                        help="approve every device code at once, for a new seller account each")
    parser.add_argument("--seed", type=int, default=0, help="seed of the generated accounts and buyers")
    parser.add_argument("--requests-per-minute", type=_non_negative, default=600, metavar="N",
                        help="per-account rate limit (default 600; 0 = off)")
    parser.add_argument("--token-ttl", type=_non_negative, default=12 * 3600, metavar="SECONDS",
                        help="access token lifetime (default 43200: 12 hours, as live)")
    parser.add_argument("--orders-per-minute", type=float, default=0.0, metavar="N",
                        help="buyers place orders on their own at this rate (default 0 = only via /_sim/orders)")
    parser.add_argument("--cancel-before-rate", type=_share, default=0.05, metavar="SHARE",
                        help="share of the buyers' orders cancelled before the seller imports them (default 0.05)")
    parser.add_argument("--cancel-after-rate", type=_share, default=0.03, metavar="SHARE",
                        help="share of the buyers' orders cancelled once in process (default 0.03)")
    parser.add_argument("--state", metavar="FILE", default=None,
                        help="keep the whole platform in this SQLite file, so a restart carries on (default: memory)")
    parser.add_argument("--no-front", action="store_true",
                        help="serve without the TCP front (no reset/cut/drip/lost faults; for comparisons)")


def run(args: argparse.Namespace) -> int:
    from agent.simulator.server import SimulatorSettings, serve

    settings = SimulatorSettings(
        host=args.host,
        port=args.port,
        auto_consent=args.auto_consent,
        seed=args.seed,
        requests_per_minute=args.requests_per_minute,
        token_ttl=max(1, args.token_ttl),
        orders_per_minute=max(0.0, args.orders_per_minute),
        cancel_before_rate=args.cancel_before_rate,
        cancel_after_rate=args.cancel_after_rate,
        front=not args.no_front,
        state_file=args.state,
    )
    serve(settings)
    return 0
