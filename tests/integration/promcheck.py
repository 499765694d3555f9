#!/usr/bin/python3
"""promcheck.py -- a strict reader of the Prometheus text format (0.0.4)
for the tests: checks the exposition and prints its samples as JSON.

    promcheck.py FILE  ->  {"name{label=\"v\"}": value, ...} on stdout

Exits 1 with a message per problem on stderr when the text breaks a rule:
a line that is neither a comment nor a well-formed sample; a sample
without its family's # TYPE, or before it; a family declared twice; a
duplicate series; a histogram whose buckets are not cumulative, do not
ascend in le, lack +Inf, or whose +Inf differs from _count, or without
_sum; a counter that is negative; no final newline.
"""
import json
import math
import re
import sys

NAME = r"[a-zA-Z_:][a-zA-Z0-9_:]*"
LABEL = r'[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\n]|\\[\\"n])*"'
SAMPLE = re.compile(
    rf"^({NAME})(\{{(?:{LABEL}(?:,{LABEL})*,?)?\}})? (\S+)( -?\d+)?$")
LABEL_RE = re.compile(r'([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"')
TYPES = {"counter", "gauge", "histogram", "summary", "untyped"}


def parse_value(text):
    if text in ("+Inf", "-Inf", "NaN"):
        return float(text.replace("Inf", "inf").replace("NaN", "nan"))
    if not re.fullmatch(r"-?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?", text):
        raise ValueError(text)
    return float(text)


def family_of(name, types):
    for suffix in ("_bucket", "_sum", "_count"):
        base = name[: -len(suffix)]
        if name.endswith(suffix) and types.get(base) == "histogram":
            return base
    return name


def check(text):
    problems, samples, types, helps, order = [], {}, {}, set(), []
    if not text.endswith("\n"):
        problems.append("the text does not end with a newline")
    for n, line in enumerate(text.split("\n")[:-1], 1):
        if line.startswith("# TYPE ") or line.startswith("# HELP "):
            parts = line.split(" ", 3)
            if len(parts) < 4 or not re.fullmatch(NAME, parts[2]):
                problems.append(f"line {n}: malformed comment: {line!r}")
                continue
            if parts[1] == "TYPE":
                if parts[3] not in TYPES:
                    problems.append(f"line {n}: unknown type {parts[3]!r}")
                if parts[2] in types:
                    problems.append(f"line {n}: {parts[2]} declared twice")
                if any(family_of(s, types) == parts[2] for s in order):
                    problems.append(f"line {n}: TYPE of {parts[2]} after its samples")
                types[parts[2]] = parts[3]
            else:
                helps.add(parts[2])
            continue
        if line.startswith("#") or line == "":
            continue
        m = SAMPLE.match(line)
        if not m:
            problems.append(f"line {n}: not a sample: {line!r}")
            continue
        name, labels, value = m.group(1), m.group(2) or "", m.group(3)
        try:
            v = parse_value(value)
        except ValueError:
            problems.append(f"line {n}: bad value {value!r}")
            continue
        fam = family_of(name, types)
        if fam not in types:
            problems.append(f"line {n}: {name} has no # TYPE before it")
        if fam not in helps:
            problems.append(f"line {n}: {name} has no # HELP")
        pairs = sorted(LABEL_RE.findall(labels))
        key = name + ("{" + ",".join(f'{k}="{x}"' for k, x in pairs) + "}" if pairs else "")
        if key in samples:
            problems.append(f"line {n}: duplicate series {key}")
        if types.get(fam) == "counter" and v < 0:
            problems.append(f"line {n}: negative counter {key}")
        samples[key] = v
        order.append(name)
    for fam, t in types.items():
        if t == "histogram":
            problems += check_histogram(fam, samples)
    return problems, samples


def check_histogram(fam, samples):
    problems = []
    buckets = []
    for key, v in samples.items():
        m = re.fullmatch(re.escape(fam) + r'_bucket\{le="([^"]*)"\}', key)
        if m:
            buckets.append((parse_value(m.group(1)), v))
    if not buckets:
        return [f"{fam}: no buckets"]
    # Buckets must ascend in le as printed, so sort by le and compare.
    buckets.sort()
    if not math.isinf(buckets[-1][0]):
        problems.append(f"{fam}: no +Inf bucket")
    for (le1, c1), (le2, c2) in zip(buckets, buckets[1:]):
        if c2 < c1:
            problems.append(f"{fam}: bucket le={le2} ({c2}) below le={le1} ({c1})")
    if f"{fam}_sum" not in samples:
        problems.append(f"{fam}: no _sum")
    if samples.get(f"{fam}_count") != buckets[-1][1]:
        problems.append(f"{fam}: _count {samples.get(fam + '_count')} != +Inf {buckets[-1][1]}")
    return problems


def main():
    with open(sys.argv[1], encoding="utf-8") as f:
        problems, samples = check(f.read())
    for p in problems:
        print(p, file=sys.stderr)
    json.dump(samples, sys.stdout, sort_keys=True)
    print()
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
