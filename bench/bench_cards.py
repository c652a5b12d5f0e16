"""Host-side SAM read time over a pty against the frame's wire time at 115200 baud.

A real module is bound by its serial line (10 bits per byte at 115200 baud, and the
card's RF read itself); over the simulator's pty the wire costs nothing, so the
host-side time is what our framing, scanning and decoding add. Both are measured
in the same run and printed as a table (copied into docs/benchmarks.md).

Run: ``.venv/bin/python bench/bench_cards.py [--rounds N]``
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

import serial

from bench import cores
from devices.cards.card_data import parse_card_data
from devices.cards.frames import Command, build_command
from devices.cards.sam_link import SamLink
from devices.cards.sim.profiles import load_profiles
from devices.cards.sim.sam_simulator import SamSimulator
from devices.cards.text_layout import decode_text_block

BAUD = 115200
BITS_PER_BYTE = 10  # 8N1: start + 8 data + stop


def wire_ms(nbytes: int) -> float:
    return nbytes * BITS_PER_BYTE / BAUD * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=200)
    cores.add_argument(parser)
    args = parser.parse_args()
    cores.pin(args.cores)
    with tempfile.TemporaryDirectory() as tmp:
        sim = SamSimulator(load_profiles(), Path(tmp))
        sim.start()
        sim.insert("resident-longterm")
        port = serial.serial_for_url(sim.port_path, baudrate=BAUD, timeout=0.01)
        link = SamLink(port)
        rows = []
        for command in (Command.FIND_CARD, Command.SELECT_CARD, Command.READ_TEXT_PHOTO):
            samples = []
            answer = 0
            for _ in range(args.rounds):
                start = time.perf_counter()
                response = link.exchange(command, 2.0)
                answer = 7 + 3 + len(response.data) + 1  # preamble, LEN, SW1-3, data, checksum
                if command is Command.READ_TEXT_PHOTO:
                    data = parse_card_data(response.data)
                    decode_text_block(data.text, data.photo)
                samples.append((time.perf_counter() - start) * 1000)
            request = len(build_command(command))
            rows.append((command.name, request, answer, samples))
        port.close()
        sim.stop()

    print(
        f"SAM exchange over a pty, {args.rounds} rounds each; wire time at {BAUD} baud, 10 bits/byte"
    )
    print()
    print(
        "| exchange | request B | answer B | wire ms | host median ms | host p95 ms | host/wire |"
    )
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    total_wire = total_host = 0.0
    for name, request, answer, samples in rows:
        wire = wire_ms(request + answer)
        median = statistics.median(samples)
        p95 = statistics.quantiles(samples, n=20)[-1]
        total_wire += wire
        total_host += median
        print(
            f"| {name} | {request} | {answer} | {wire:.2f} | {median:.3f} | {p95:.3f} | {median / wire:.1%} |"
        )
    print(
        f"| find + select + read | | | {total_wire:.2f} | {total_host:.3f} | | {total_host / total_wire:.1%} |"
    )


if __name__ == "__main__":
    main()
