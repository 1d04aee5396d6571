"""The product's performance goals, as ratios of figures measured in one run of
bench/run.sh (results.jsonl: one JSON object per measurement)."""
import json
import sys

rows = [json.loads(line) for line in open(sys.argv[1]) if line.strip()]


def pick(db, what, cases=None, scenario=None):
    found = [r for r in rows if r["db"] == db and r["what"] == what
             and (cases is None or r["cases"] == cases)
             and (scenario is None or r.get("scenario") == scenario)]
    return found[-1] if found else None


def line(name, value, target=None, good=None):
    verdict = "" if good is None else ("  met" if good else "  MISSED")
    goal = f" (target {target})" if target else ""
    print(f"  {name}: {value}{goal}{verdict}")


for db in sorted({r["db"] for r in rows}):
    sizes = sorted({r["cases"] for r in rows if r["db"] == db and r["what"] == "http"})
    small, large = sizes[0], sizes[-1]
    print(f"{db} ({small:,} and {large:,} cases)")
    for n in sizes:
        health = pick(db, "http", n, "health")
        get = pick(db, "http", n, "get_case")
        post = pick(db, "http", n, "post_referral")
        paced = pick(db, "http", n, "get_case_paced")
        if not (health and get and post):
            continue
        print(f"  at {n:,} cases: health {health['throughput']:.0f}/s, GET case "
              f"{get['throughput']:.0f}/s (p50 {get['p50_ms']} ms, p99 {get['p99_ms']} ms), "
              f"POST referral {post['throughput']:.0f}/s (p50 {post['p50_ms']} ms, p99 "
              f"{post['p99_ms']} ms); errors {health['errors']}/{get['errors']}/{post['errors']}"
              + (f"; GET case at {paced['rate']:.0f}/s: p50 {paced['p50_ms']} ms, "
                 f"p99 {paced['p99_ms']} ms" if paced else ""))
        ratio = get["throughput"] / health["throughput"]
        line(f"GET case / health at {n:,}", f"{ratio:.3f}", ">= 0.35", ratio >= 0.35)
        line(f"POST referral / GET case at {n:,}", f"{post['throughput'] / get['throughput']:.2f}")
        health_wrk = pick(db, "http", n, "health_wrk")
        get_wrk = pick(db, "http", n, "get_case_wrk")
        if health_wrk and get_wrk:
            ratio = get_wrk["throughput"] / health_wrk["throughput"]
            line(f"GET case / health at {n:,}, by wrk ({get_wrk['throughput']:.0f} / "
                 f"{health_wrk['throughput']:.0f} per s)", f"{ratio:.3f}", ">= 0.35", ratio >= 0.35)
    latency = pick(db, "http", small, "event_to_receiver")
    if latency and "throughput_median_3_hooks" in latency:
        # The median of rounds' ratios, each round without then with the endpoints.
        hooked, plain = latency["throughput_median_3_hooks"], latency["throughput_median_no_hooks"]
        ratio = latency["throughput_ratio_3_hooks"]
        line(f"POST referral with 3 webhook endpoints / without (median of "
             f"{latency['rounds']} rounds {latency.get('round_ratios')}; medians "
             f"{hooked:.0f} / {plain:.0f} per s)", f"{ratio:.2f}",
             ">= 0.9", ratio >= 0.9)
    if latency:
        line(f"event to receiver at {latency['rate']:.0f}/s, 3 endpoints "
             f"({latency['deliveries_timed']}/{latency['deliveries_expected']} timed): p50 "
             f"{latency['p50_ms']} ms, p99", f"{latency['p99_ms']} ms", "<= 1000 ms",
             latency["p99_ms"] <= 1000)
    for scenario in ("case_list", "breached_queue", "changes_since", "by_reference"):
        a, b = pick(db, "http", small, scenario), pick(db, "http", large, scenario)
        if a and b:
            ratio = b["p50_ms"] / a["p50_ms"]
            line(f"{scenario} p50 at {large:,} / at {small:,}",
                 f"{ratio:.2f} ({b['p50_ms']} / {a['p50_ms']} ms)", "<= 1.5", ratio <= 1.5)
    reports = [r for r in rows if r["db"] == db and r["what"] == "report"]
    raw = pick(db, "report_raw_sql")
    if len(reports) >= 2:
        r10, r100 = reports[-2], reports[-1]
        ratio = r100["median_ms"] / r10["median_ms"]
        line(f"report at {r100['cases']:,} / at {r10['cases']:,}",
             f"{ratio:.1f} ({r100['median_ms']} / {r10['median_ms']} ms)", "<= 12", ratio <= 12)
        if raw:
            ratio = r100["median_ms"] / raw["median_ms"]
            line(f"report / raw SQL in {raw['shell']} at {r100['cases']:,}",
                 f"{ratio:.2f} ({r100['median_ms']} / {raw['median_ms']} ms)", "<= 2", ratio <= 2)
    rss = pick(db, "rss")
    if rss:
        small_kb, large_kb = rss["rss_kb"]
        ratio = large_kb / small_kb
        line(f"RSS after {rss['after_requests'][1]:,} / after {rss['after_requests'][0]:,} requests",
             f"{ratio:.2f} ({large_kb // 1024} / {small_kb // 1024} MB)", "<= 1.1", ratio <= 1.1)
        line("peak RSS", f"{rss['peak_kb'] // 1024} MB", "<= 100 MB", rss["peak_kb"] <= 100 * 1024)

# A scenario with failed requests measured something else: say so, and fail the run.
failed = [r for r in rows if r["what"] == "http" and r.get("errors")]
for r in failed:
    print(f"FAILED REQUESTS: {r['db']} {r['scenario']} at {r['cases']:,} cases: "
          f"{r['errors']} of {r['requests']} ({r.get('error_statuses')})")
sys.exit(1 if failed else 0)
