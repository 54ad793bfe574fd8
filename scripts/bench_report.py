#!/usr/bin/env python3
"""Turns the JSON files of one scripts/bench.sh run into bench-results.json and one Markdown table.

    python3 scripts/bench_report.py RUN_DIR OUTPUT_JSON

RUN_DIR holds meta.json, overhead.json, tool-turn.json, streams.json and calendar.json (any of
them may be missing when a phase failed; its rows then say so), and FrontDesk's own /metrics
saved around phases (metrics-*.txt) for the cross-check rows. Standard library only.
It reports figures and the targets they are read against; it does not judge them.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path


def load(run: Path, name: str):
    path = run / f"{name}.json"
    if not path.exists():
        return None
    with path.open() as f:
        return json.load(f)


def ms(value) -> str:
    if value is None:
        return "n/a"
    value = float(value)
    if abs(value) < 10:
        return f"{value:.3f}"
    if abs(value) < 1000:
        return f"{value:.1f}"
    return f"{value:,.0f}"


def triple(p) -> str:
    if not p:
        return "n/a"
    return f"{ms(p['p50'])} / {ms(p['p90'])} / {ms(p['p99'])}"


def added(path, direct) -> tuple[float | None, float | None]:
    if not path or not direct:
        return None, None
    return path["p50"] - direct["p50"], path["p99"] - direct["p99"]


def ratio(numerator: float | None, denominator: float | None, name: str = "FrontDesk") -> str:
    if numerator is None or denominator is None:
        return "n/a"
    if denominator <= 0:
        return f"n/a ({name} added ≤ 0)"
    value = numerator / denominator
    return f"{value:,.0f}×" if value >= 10 else f"{value:.1f}×"


def histogram(scrape: Path, name: str, **labels: str) -> dict[float, float] | None:
    """Cumulative bucket counts {le: count} of one Prometheus histogram series, or None."""
    if not scrape.exists():
        return None
    buckets: dict[float, float] = {}
    for line in scrape.read_text().splitlines():
        if not line.startswith(name + "_bucket{"):
            continue
        series, value = line.rsplit(" ", 1)
        found = dict(part.split("=", 1) for part in series[series.index("{") + 1:-1].split(","))
        found = {k: v.strip('"') for k, v in found.items()}
        if all(found.get(k) == v for k, v in labels.items()):
            le = float("inf") if found["le"] == "+Inf" else float(found["le"])
            buckets[le] = buckets.get(le, 0) + float(value)
    return buckets or None


def histogram_quantiles(before: dict | None, after: dict | None) -> tuple[int, float | None, float | None]:
    """Count, p50 and p99 (ms) of what a histogram recorded between two scrapes, interpolated
    linearly inside a bucket as Prometheus's histogram_quantile does."""
    if not after:
        return 0, None, None
    bounds = sorted(after)
    counts = [after[b] - (before or {}).get(b, 0) for b in bounds]
    total = counts[-1] if counts else 0
    if total <= 0:
        return 0, None, None

    def quantile(q: float) -> float | None:
        rank = q * total
        lower, previous = 0.0, 0.0
        for bound, count in zip(bounds, counts):
            if count >= rank:
                if bound == float("inf"):
                    return lower * 1000
                inside = (rank - previous) / max(count - previous, 1e-12)
                return (lower + (bound - lower) * inside) * 1000
            lower, previous = bound, count
        return None

    return int(total), quantile(0.5), quantile(0.99)


def main() -> int:
    run = Path(sys.argv[1])
    output_path = Path(sys.argv[2])
    meta = load(run, "meta") or {}
    overhead = load(run, "overhead")
    tool = load(run, "tool-turn")
    streams = load(run, "streams")
    calendar = load(run, "calendar")

    rows: list[list[str]] = []

    def row(section, measure, load_, direct="", frontdesk="", nginx="", litellm="", fd_added="", ng_added="", ll_added="",
            fd_vs_ng="", ll_vs_fd="", target=""):
        rows.append([section, measure, load_, direct, frontdesk, nginx, litellm, fd_added, ng_added, ll_added, fd_vs_ng,
                     ll_vs_fd, target])

    # --- 1. Overhead ---------------------------------------------------------------------
    if overhead:
        cells = {(c["step"], c["target"], c["mode"]): c for c in overhead["cells"]}
        steps = list(dict.fromkeys(c["step"] for c in overhead["cells"]))
        targets = list(dict.fromkeys(c["target"] for c in overhead["cells"]))
        base = targets[0]
        saturation = {(s["target"], s["mode"]): s for s in overhead.get("saturation", [])}
        for mode in ("json", "sse"):
            figures = {}
            for t in ("direct", "frontdesk", "nginx", "litellm"):
                s = saturation.get((base if t == "direct" else t, mode))
                figures[t] = f"{s['requests_per_second']:,.0f} req/s ({s['errors']} errors)" if s else "not run"
            concurrency = next((s["concurrency"] for s in saturation.values()), "?")
            row("Overhead", f"Max throughput, {mode.upper()} (closed loop, {concurrency} in flight)", "max", figures["direct"],
                figures["frontdesk"], figures["nginx"], figures["litellm"],
                target="direct ≫ 1,000 req/s (the mock is not the bottleneck)")
        measures = [
            ("JSON: total", "json", "total"),
            ("SSE: time to first byte", "sse", "first_byte"),
            ("SSE: time to first content delta (TTFT)", "sse", "first_delta"),
            ("SSE: total", "sse", "total"),
        ]
        for step in steps:
            for label, mode, field in measures:
                d = cells.get((step, base, mode), {}).get(field)
                f = cells.get((step, "frontdesk", mode), {}).get(field)
                n = cells.get((step, "nginx", mode), {}).get(field)
                l = cells.get((step, "litellm", mode), {}).get(field)

                def shown(t, p):
                    cell = cells.get((step, t, mode))
                    if not cell:
                        return "not run"
                    failed = sum(cell["errors"].values())
                    text = triple(p)
                    if failed:
                        share = failed / max(1, failed + cell["completed"])
                        text += f" (completed only; {share:.0%} failed)"
                    return text
                fa50, fa99 = added(f, d)
                na50, na99 = added(n, d)
                la50, la99 = added(l, d)
                target = ""
                if field == "total" and mode == "json" or field == "first_delta":
                    target = "FrontDesk ÷ nginx ≤ 3×; LiteLLM ÷ FrontDesk ≥ 50×"
                    if step in ("1000/s", "concurrency 1"):
                        target = "FrontDesk added p50 ≤ 0.25, p99 ≤ 1 ms; " + target
                if field == "first_byte":
                    target = "(the SSE targets apply to the first content delta)"
                row("Overhead", label + " (ms, p50 / p90 / p99)", step, shown(base, d), shown("frontdesk", f), shown("nginx", n),
                    shown("litellm", l), f"{ms(fa50)} / {ms(fa99)}", f"{ms(na50)} / {ms(na99)}", f"{ms(la50)} / {ms(la99)}",
                    f"{ratio(fa50, na50, 'nginx')} / {ratio(fa99, na99, 'nginx')}", f"{ratio(la50, fa50)} / {ratio(la99, fa99)}",
                    target)
            counts = []
            for t in (base, "frontdesk", "nginx", "litellm"):
                parts = []
                for m in ("json", "sse"):
                    cell = cells.get((step, t, m))
                    if cell:
                        parts.append(f"{m.upper()} {cell['completed']:,} ok / {sum(cell['errors'].values()):,} failed, "
                                     f"{cell['achieved_rate']:,.0f} req/s")
                counts.append("; ".join(parts) or "not run")
            row("Overhead", "Requests ok / failed, achieved rate", step, *counts,
                target="0 failed; achieved = offered rate")
        # FrontDesk's own account of the same phase: its overhead histogram (the turn less the
        # waits for the upstream), beside the bench's outside view (its added latency).
        for path, label in (("json", "JSON turn"), ("sse", "SSE turn, to the first words")):
            count, p50, p99 = histogram_quantiles(histogram(run / "metrics-overhead-before.txt", "frontdesk_overhead_seconds", path=path),
                                                  histogram(run / "metrics-overhead-after.txt", "frontdesk_overhead_seconds", path=path))
            row("Overhead", f"Cross-check: FrontDesk's own overhead histogram, {label} (ms, p50 / p99, from /metrics buckets)",
                f"the whole phase, {count:,} turns", frontdesk=f"{ms(p50)} / {ms(p99)}",
                target="below the added latency above: the rest is HTTP in and out and the hops")
    else:
        row("Overhead", "not measured (phase failed; see the log)", "")

    # --- 2. Tool turn --------------------------------------------------------------------
    if tool:
        row("Tool turn", "Turn total at the client (ms, p50 / p90 / p99)", f"{tool['turns']} turns, concurrency 1",
            frontdesk=triple(tool.get("total")))
        row("Tool turn", "Upstream: the fake's own time for both requests (ms, p50 / p90 / p99)", "",
            frontdesk=triple(tool.get("upstream")))
        share = tool.get("frontdesk_share")
        row("Tool turn", "FrontDesk's share = total − upstream (ms, p50 / p90 / p99)", "",
            frontdesk=triple(share), target="p99 ≤ 2 ms")
        row("Tool turn", "Failed turns", "", frontdesk=str(sum(tool.get("errors", {}).values())), target="0")
        count, p50, p99 = histogram_quantiles(
            histogram(run / "metrics-overhead-after.txt", "frontdesk_tool_duration_seconds", tool="find_available_slots"),
            histogram(run / "metrics-tool-turn-after.txt", "frontdesk_tool_duration_seconds", tool="find_available_slots"))
        row("Tool turn", "Cross-check: find_available_slots in FrontDesk's /metrics (ms, p50 / p99, from buckets)",
            f"{count:,} calls", frontdesk=f"{ms(p50)} / {ms(p99)}")
        spoken = tool.get("spoken")
        if spoken:
            first, heard = spoken.get("upstream_first_token"), spoken.get("first_spoken_byte")
            a50, a99 = added(heard, first)
            row("Tool turn", "First spoken byte (the filler) vs the model's first token (ms, p50 / p90 / p99)",
                f"{spoken['turns']} turns each way, the tool call streamed in fragments {spoken['chunk_delay_ms']} ms apart",
                direct=triple(first), frontdesk=triple(heard), fd_added=f"{ms(a50)} / {ms(a99)}",
                target="FrontDesk's first spoken byte ≤ the model's first token + 5 ms")
            if spoken.get("errors"):
                row("Tool turn", "First-spoken-byte run: failed turns", "", frontdesk=json.dumps(spoken["errors"]), target="0")
    else:
        row("Tool turn", "not measured (phase failed; see the log)", "")

    # --- 3. Calendar ---------------------------------------------------------------------
    if calendar:
        size = f"{calendar['providers']} providers × {calendar['days']} days × {calendar['appointments_generated']:,} appointments"
        fas = calendar.get("find_available_slots")
        row("Calendar", "find_available_slots through the agent tool (ms, p50 / p90 / p99)",
            f"{size}; {calendar['queries']:,} calls, mix of {len(calendar['per_query'])}",
            frontdesk=triple(fas), target="p99 ≤ 2 ms")
        for q in calendar["per_query"]:
            row("Calendar", f"  · {q['name']} ({q['slots_returned']} slots)", "", frontdesk=triple(q.get("latency")))
        row("Calendar", "Booking throughput", f"{calendar['writers']} concurrent writers, {calendar['booking_seconds']:.1f} s",
            frontdesk=(f"{calendar['bookings_per_second']:,.0f} bookings/s ({calendar['bookings_made']:,} made, "
                       f"{calendar['bookings_refused_taken']:,} refused as taken, "
                       f"{calendar.get('bookings_refused_patient_busy', 0):,} refused as the patient was already booked then, "
                       f"{sum(calendar['booking_errors'].values())} other errors; {calendar['attempts_per_second']:,.0f} attempts/s)"))
        row("Calendar", "Booking latency per attempt (ms, p50 / p90 / p99)", "", frontdesk=triple(calendar.get("booking_latency")))
        row("Calendar", "Double bookings (overlapping booked appointments, SQL)", "", frontdesk=str(calendar["double_bookings"]),
            target="0")
    else:
        row("Calendar", "not measured (phase failed; see the log)", "")

    # --- 4. Scale ------------------------------------------------------------------------
    if streams:
        load_ = (f"{streams['streams']:,} SSE streams opened over the ramp, each ≈ "
                 f"{streams['words'] * streams['chunk_delay_ms'] / 1000:g} s")
        row("Scale", "Streams held open at once (peak) / completed", load_,
            frontdesk=f"{streams['peak_concurrent_streams']:,} / {streams['completed']:,}", target=f"{streams['streams']:,}")
        row("Scale", "Errors", "", frontdesk=str(sum(streams["errors"].values())), target="0")
        before = streams.get("before") or {}
        row("Scale", "FrontDesk peak RSS (MB)", "",
            frontdesk=f"{streams['peak_rss_mb']:.1f} (before: {before.get('rss_kb', 0) / 1024:.1f})",
            target="≤ 300 MB at 5,000 streams")
        row("Scale", "FrontDesk peak threads", "",
            frontdesk=f"{streams['peak_threads']} (before: {before.get('threads', 'n/a')})",
            target="independent of the number of streams")
        cpu = streams.get("plateau_cpu")
        if cpu:
            row("Scale", "FrontDesk CPU per 1,000 open streams (share of one core)",
                f"all {streams['streams']:,} open, {cpu['window_seconds']:.1f} s window, each relaying a word every "
                f"{streams['chunk_delay_ms']:,} ms",
                frontdesk=f"{cpu['core_share_per1000_streams']:.1%} (all streams: {cpu['core_share']:.1%})")
        row("Scale", "Stream first content delta (ms, p50 / p90 / p99)", "", frontdesk=triple(streams.get("first_delta")))
    else:
        row("Scale", "not measured (phase failed; see the log)", "")

    header = ["Section", "Measure", "Load", "Direct (mock)", "FrontDesk", "nginx", "LiteLLM", "FrontDesk added p50 / p99",
              "nginx added p50 / p99", "LiteLLM added p50 / p99", "FrontDesk ÷ nginx added p50 / p99",
              "LiteLLM ÷ FrontDesk added p50 / p99", "Target"]
    lines = []
    lines.append(f"## FrontDesk benchmark ({meta.get('mode', 'full')} mode, {meta.get('date', '')})")
    lines.append("")
    lines.append(f"- Machine: {meta.get('cpu', '?')}, {meta.get('cores', '?')} cores, {meta.get('memory_gb', '?')} GB memory; "
                 f"{meta.get('kernel', '')}")
    if meta.get("loadavg_before"):
        lines.append(f"- Load average (1/5/15 min) before: {meta['loadavg_before']}, after: {meta.get('loadavg_after', '?')} "
                     "(anything else running on the machine shows here)")
    lines.append(f"- Versions: {meta.get('swift', '?')}; LiteLLM {meta.get('litellm', '?')} (Python {meta.get('python', '?')}, "
                 f"{meta.get('litellm_workers', 1)} worker); FrontDesk {meta.get('frontdesk_sha', '?')}")
    lines.append("- Load generator: " + (overhead or {}).get("load_generator", "frontdesk-bench")
                 + "; everything on loopback on this machine, mock upstream = scripted-upstream (a fake LLM)")
    if overhead:
        lines.append(f"- Overhead windows: {overhead['window_seconds']:g} s × {overhead['rounds']} rounds per rate, path and mode, "
                     f"interleaved; concurrency 1: {overhead['serial_seconds']:g} s windows. Added = path percentile − direct percentile.")
    lines.append("")
    lines.append("| " + " | ".join(header) + " |")
    lines.append("|" + "|".join("---" for _ in header) + "|")
    for r in rows:
        lines.append("| " + " | ".join(cell.replace("|", "\\|") for cell in r) + " |")
    table = "\n".join(lines)
    print(table)

    results = {"meta": meta, "overhead": overhead, "tool_turn": tool, "calendar": calendar, "streams": streams,
               "table_markdown": table}
    output_path.write_text(json.dumps(results, indent=2, sort_keys=True) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
