"""Command line: render a label to a file, print one to a printer URL, preview a ZPL/TSPL file, run a test printer.

    python -m labels render TEMPLATE --data JSON --format pdf|png|zpl|tspl [--dpi 203|300] [--size 60x40] -o FILE
    python -m labels print TEMPLATE --data JSON --printer URL [--copies N]
    python -m labels status --printer URL
    python -m labels preview FILE --lang zpl|tspl [--dpi 203] -o PREFIX      (one PNG per label)
    python -m labels testprinter [--port 9100] [--lang zpl|tspl] [--out DIR]

`--data` takes JSON or @file.json. Exit status: 0 done, 1 the printer did not take the job, 2 bad input.
"""
from __future__ import annotations

import argparse
import json
import sys
import time

import labels
from labels import preview
from labels.printers import PrinterError, PrinterUrlError, from_url
from labels.testprinter import TestPrinter


def _data(text: str) -> dict:
    raw = open(text[1:], encoding="utf-8").read() if text.startswith("@") else text
    try:
        return json.loads(raw)
    except json.JSONDecodeError as err:
        raise labels.LabelError("bad_value", f"--data is not valid JSON: {err}") from None


def _size(text: str | None) -> tuple[float, float] | None:
    if not text:
        return None
    try:
        width, height = (float(v) for v in text.lower().split("x"))
    except ValueError:
        raise labels.LabelError("bad_value", f"--size must be WIDTHxHEIGHT in mm, not {text!r}") from None
    return width, height


def cmd_render(args) -> int:
    job = labels.render(args.template, _data(args.data), fmt=args.format, dpi=args.dpi, size_mm=_size(args.size))
    with open(args.output, "wb") as f:
        f.write(job)
    return 0


def cmd_print(args) -> int:
    printer = from_url(args.printer)
    job = labels.render_batch(args.template, [_data(args.data)] * args.copies, fmt=printer.lang, dpi=printer.dpi,
                              size_mm=printer.size_mm)
    try:
        printer.send(job, name=f"{args.template}-cli")
    except PrinterError as err:
        print(f"not printed: {err}", file=sys.stderr)
        return 1
    print(f"printed {args.copies} {args.template} label(s) on {args.printer}")
    return 0


def cmd_status(args) -> int:
    status = from_url(args.printer).status()
    print(json.dumps(status.__dict__))
    return 0 if status.ready else 1


def cmd_preview(args) -> int:
    with open(args.file, "rb") as f:
        job = f.read()
    images = preview.zpl(job) if args.lang == "zpl" else preview.tspl(job, dpi=args.dpi)
    for k, image in enumerate(images, start=1):
        image.save(f"{args.output}-{k}.png", dpi=(args.dpi, args.dpi))
    print(f"{len(images)} label(s) → {args.output}-N.png")
    return 0


def cmd_testprinter(args) -> int:
    printer = TestPrinter(args.lang, port=args.port, host=args.host, out_dir=args.out).start()
    print(f"test printer listening on {printer.url()} (Ctrl-C to stop)", flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        printer.stop()
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m labels", description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("render", help="render one label to a file")
    p.add_argument("template", help=", ".join(labels.TEMPLATES))
    p.add_argument("--data", required=True)
    p.add_argument("--format", required=True, choices=labels.FORMATS)
    p.add_argument("--dpi", type=int, default=203)
    p.add_argument("--size", help="label stock WIDTHxHEIGHT in mm (default: the template's)")
    p.add_argument("-o", "--output", required=True)
    p.set_defaults(run=cmd_render)

    p = sub.add_parser("print", help="render one label and send it straight to a printer URL")
    p.add_argument("template")
    p.add_argument("--data", required=True)
    p.add_argument("--printer", required=True, help="tcp://HOST:9100?lang=zpl, cups://QUEUE, file:///DIR")
    p.add_argument("--copies", type=int, default=1)
    p.set_defaults(run=cmd_print)

    p = sub.add_parser("status", help="ask a printer for its status")
    p.add_argument("--printer", required=True)
    p.set_defaults(run=cmd_status)

    p = sub.add_parser("preview", help="draw a ZPL or TSPL file as PNG images")
    p.add_argument("file")
    p.add_argument("--lang", required=True, choices=("zpl", "tspl"))
    p.add_argument("--dpi", type=int, default=203)
    p.add_argument("-o", "--output", required=True, help="prefix of the PNG files")
    p.set_defaults(run=cmd_preview)

    p = sub.add_parser("testprinter", help="run a test label printer on this machine")
    p.add_argument("--port", type=int, default=9100)
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--lang", choices=("zpl", "tspl"), default="zpl")
    p.add_argument("--out", help="folder to save each received label in")
    p.set_defaults(run=cmd_testprinter)

    args = parser.parse_args(argv)
    if getattr(args, "copies", 1) < 1:
        parser.error("--copies must be at least 1")
    try:
        return args.run(args)
    except (labels.LabelError, PrinterUrlError, OSError) as err:
        print(f"error: {err}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
