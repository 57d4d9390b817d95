"""Command line: `python -m scanners decode [--json] IMAGE...` and `python -m scanners watch [SOURCE]`."""
from __future__ import annotations

import argparse
import json
import logging
import signal
import sys
import threading
import time

from scanners.symbol import SYMBOLOGIES


def _decode(args) -> int:
    from scanners import ImageError, decode

    results, failed = [], 0
    for path in args.images:
        try:
            symbols = decode(path, symbologies=args.symbology, budget_ms=args.budget_ms, itf_lengths=args.itf_lengths)
        except ImageError as exc:
            failed += 1
            print(f"error: {exc}", file=sys.stderr)
            results.append({"file": path, "error": str(exc), "symbols": []})
            continue
        results.append({"file": path, "symbols": [s.to_dict() for s in symbols]})
        if not args.json:
            for s in symbols:
                print(f"{path}\t{s.symbology}{' (GS1)' if s.gs1 else ''}\t{s.text}")
            if not symbols:
                print(f"{path}\t-\t(no code found)")
    if args.json:
        json.dump(results, sys.stdout, ensure_ascii=False, indent=2)
        print()
    return 1 if failed else 0


def _watch(args) -> int:
    from scanners.sources import SourceError, default_spec
    from scanners.watch import CodeWatcher

    spec = args.source or default_spec()
    if spec is None:
        print("error: no SOURCE given and CAMERA_SOURCE is not set", file=sys.stderr)
        return 2
    lock = threading.Lock()

    def on_event(event):
        with lock:
            out = sys.stdout if event["type"] == "code" else sys.stderr
            print(json.dumps(event, ensure_ascii=False), file=out, flush=True)

    watcher = CodeWatcher(spec, holdoff=args.holdoff, on_event=on_event, budget_ms=args.budget_ms,
                          itf_lengths=args.itf_lengths)
    try:
        watcher.start()
    except SourceError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    deadline = None if args.max_seconds is None else time.monotonic() + args.max_seconds
    try:
        # Ends when a finite source has been decoded, after --max-seconds, or on Ctrl-C / SIGTERM.
        while not stop.is_set() and not watcher.wait(0.2):
            if deadline is not None and time.monotonic() >= deadline:
                break
    except KeyboardInterrupt:
        pass
    finally:
        watcher.stop()
    return 0


def _itf(value: str) -> tuple[int, ...]:
    from scanners.engines import itf_lengths
    try:
        return itf_lengths(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m scanners", description="Read barcodes from images and cameras.")
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("decode", help="decode barcodes in image files")
    p.add_argument("images", nargs="+", metavar="IMAGE")
    p.add_argument("--json", action="store_true", help="print a JSON list of {file, symbols}")
    p.add_argument("--symbology", action="append", choices=SYMBOLOGIES, help="only these (repeatable)")
    p.add_argument("--budget-ms", type=float, default=None, help="time budget per image for expensive passes")
    p.add_argument("--itf-lengths", type=_itf, default=None, help="allowed ITF lengths, e.g. 6,10,14 (default 6-14 even)")
    p.set_defaults(run=_decode)
    p = sub.add_parser("watch", help="watch a camera source and print each new code as a JSON line")
    p.add_argument("source", nargs="?", help="device index, rtsp:// or http:// URL, video file, image or folder "
                                             "(default: CAMERA_SOURCE)")
    p.add_argument("--holdoff", type=float, default=2.0, help="seconds a code must be out of view to report it again")
    p.add_argument("--max-seconds", type=float, default=None, help="stop after this many seconds")
    p.add_argument("--budget-ms", type=float, default=None, help="time budget per frame for expensive passes")
    p.add_argument("--itf-lengths", type=_itf, default=None, help="allowed ITF lengths, e.g. 6,10,14 (default 6-14 even)")
    p.set_defaults(run=_watch)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    return args.run(args)


if __name__ == "__main__":
    sys.exit(main())
