#!/usr/bin/python3
"""cron_oracle.py -- compares the schedule engine with independent
implementations used only as test oracles: Debian's python3-croniter for
cron expressions in UTC, and croniter's local wall-clock times mapped
through Python's zoneinfo (over the system tzdata) for zones, with the
dst_gap/dst_repeat rules of DESIGN.md written out again here.

    cron_oracle.py PRINTER [SEED]

PRINTER is tests/unit/schedule_print. Hundreds of random expressions
(every syntax element: names in any case, ranges, steps, lists, L, 0/7
Sunday, SUN ending a range, six fields, macros) are compared over
2024-2031, with start times near leap days and near the zones' clock
changes. Exit 0 when everything agrees, 1 with the differences listed."""

import calendar
import random
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from croniter import croniter

UTC = timezone.utc
MONTHS = "JAN FEB MAR APR MAY JUN JUL AUG SEP OCT NOV DEC".split()
DAYS = "SUN MON TUE WED THU FRI SAT".split()
ZONES = ["Europe/Berlin", "America/New_York", "Australia/Lord_Howe", "Asia/Kathmandu",
         "Africa/Cairo", "America/Nuuk", "Europe/London", "Europe/Dublin",
         "America/Santiago", "Pacific/Chatham", "Asia/Tehran", "America/Havana",
         "Australia/Adelaide", "Pacific/Auckland", "America/St_Johns", "UTC"]
MACROS = {"@yearly": "0 0 1 1 *", "@annually": "0 0 1 1 *", "@monthly": "0 0 1 * *",
          "@weekly": "0 0 * * 0", "@daily": "0 0 * * *", "@midnight": "0 0 * * *",
          "@hourly": "0 * * * *"}
COUNT = 12


def randcase(rnd, word):
    return "".join(c.lower() if rnd.random() < 0.5 else c for c in word)


def render(rnd, field, v, range_end):
    """The text of value v in field, as a number or (sometimes) a name."""
    if field == "month" and rnd.random() < 0.4:
        return randcase(rnd, MONTHS[v - 1])
    if field == "dow" and rnd.random() < 0.4:
        if v == 7 and range_end:
            return randcase(rnd, "SUN")
        if 1 <= v <= 6 or (v == 0 and not range_end):
            return randcase(rnd, DAYS[v])
    return str(v)


def gen_item(rnd, field, lo, hi):
    """One list item: its text and the values it stands for."""
    top = 6 if field == "dow" else hi
    kind = rnd.choice(["value", "value", "range", "range_step", "star_step"])
    if kind == "star_step":
        step = rnd.randint(1, max(1, (top - lo + 1) // 2))
        return "*/%d" % step, set(range(lo, top + 1, step))
    a = rnd.randint(lo, hi)
    if kind == "value":
        return render(rnd, field, a, False), {a}
    b = rnd.randint(a, hi)
    text = render(rnd, field, a, False) + "-" + render(rnd, field, b, True)
    if kind == "range_step":
        step = rnd.randint(1, max(1, b - a + 1))
        return text + "/%d" % step, set(range(a, b + 1, step))
    return text, set(range(a, b + 1))


def gen_field(rnd, field, lo, hi, star):
    """A field: (text, values, restricted, is_last)."""
    if field == "dom" and rnd.random() < 0.08:
        return randcase(rnd, "L"), set(), True, True
    if rnd.random() < star:
        top = 6 if field == "dow" else hi
        return "*", set(range(lo, top + 1)), False, False
    items = [gen_item(rnd, field, lo, hi) for _ in range(rnd.randint(1, 3))]
    values = set().union(*(v for _, v in items))
    if field == "dow":
        values = {0 if v == 7 else v for v in values}
    text = ",".join(t for t, _ in items)
    return text, values, not text.startswith("*"), False


def croniter_field(text, values, last):
    if last:
        return "L"
    if text == "*":
        return "*"
    return ",".join(str(v) for v in sorted(values))


def can_fire(dom, month, dow_restricted):
    text, values, restricted, last = dom
    if last or (restricted and dow_restricted):
        return True
    return any(d <= calendar.monthrange(2000, m)[1] for m in month[1] for d in values)


def gen_expression(rnd):
    """(our text, croniter text, day_or, fires)."""
    if rnd.random() < 0.06:
        name = rnd.choice(sorted(MACROS))
        return randcase(rnd, name) if rnd.random() < 0.3 else name, MACROS[name], True, True
    sec = gen_field(rnd, "second", 0, 59, 0.3) if rnd.random() < 0.3 else None
    minute = gen_field(rnd, "minute", 0, 59, 0.25)
    hour = gen_field(rnd, "hour", 0, 23, 0.4)
    dom = gen_field(rnd, "dom", 1, 31, 0.6)
    month = gen_field(rnd, "month", 1, 12, 0.6)
    dow = gen_field(rnd, "dow", 0, 7, 0.6)
    ours = [f[0] for f in (minute, hour, dom, month, dow)]
    theirs = [croniter_field(*f[:2], f[3]) for f in (minute, hour, dom, month, dow)]
    if sec:
        ours.insert(0, sec[0])
        theirs.append(croniter_field(*sec[:2], sec[3]))
    day_or = dom[2] and dow[2]
    # croniter reads a list of every weekday (or every day) as "*", which
    # would turn Vixie's OR into an AND: with either side covering every
    # day, the OR is simply every day.
    if day_or and (len(dow[1]) == 7 or (not dom[3] and len(dom[1]) == 31)):
        theirs[2] = theirs[4] = "*"
    return " ".join(ours), " ".join(theirs), day_or, can_fire(dom, month, dow[2])


def fmt(t):
    t = t.astimezone(UTC)
    base = t.strftime("%Y-%m-%dT%H:%M:%S")
    if t.microsecond == 0:
        return base + "Z"
    if t.microsecond % 1000 == 0:
        return base + ".%03dZ" % (t.microsecond // 1000)
    return base + ".%06dZ" % t.microsecond


def instants(naive, zone, gap, repeat):
    """The instants a local wall-clock time fires at, with their flag."""
    if zone is None:
        return [(naive.replace(tzinfo=UTC), "-")]
    u0 = naive.replace(tzinfo=zone, fold=0).astimezone(UTC)
    u1 = naive.replace(tzinfo=zone, fold=1).astimezone(UTC)
    exists = u0.astimezone(zone).replace(tzinfo=None) == naive
    if not exists:
        # In a gap, fold=0 reads the time with the offset before the change:
        # moved forward by the gap's length.
        return [(u0, "shifted")] if gap == "shift" else []
    if u0 != u1:
        pick = {"first": [u0], "last": [u1], "both": [u0, u1]}[repeat]
        return [(u, "repeated") for u in pick]
    return [(u0, "-")]


def collect(local_times, zone, gap, repeat, after, count):
    """The first `count` occurrences after `after` from an ascending
    iterator of local wall-clock times; one occurrence per instant, a
    regular match winning over a shifted one."""
    found = {}
    for n, naive in enumerate(local_times):
        for u, flag in instants(naive, zone, gap, repeat):
            if u > after and (u not in found or found[u] == "shifted"):
                found[u] = flag
        if len(found) >= count and n % 16 == 0:
            # A later local time L fires no earlier than L minus the largest
            # offset in force around the count-th instant.
            last = sorted(found)[count - 1]
            if naive - largest_offset(zone, last) > last.replace(tzinfo=None):
                break
        if n > 200000:
            break
    return " ".join("%s/%s" % (fmt(u), found[u]) for u in sorted(found)[:count])


def largest_offset(zone, t):
    if zone is None:
        return timedelta(0)
    return max((t + timedelta(days=d)).astimezone(zone).utcoffset() for d in (-2, -1, 0, 1, 2))


def cron_locals(expr, day_or, start):
    """croniter's matches after `start`. croniter 1.3.5 can skip the start
    of March when day 31 is listed and it starts early in February, so a
    jump into a later month is checked by a second search that starts
    from the current month's last second."""
    cur, it = start, croniter(expr, start, day_or=day_or)
    while True:
        t = it.get_next(datetime)
        month_end = datetime(cur.year + cur.month // 12, cur.month % 12 + 1, 1)
        if t >= month_end and cur < month_end - timedelta(seconds=1):
            again = croniter(expr, month_end - timedelta(seconds=1), day_or=day_or)
            first = again.get_next(datetime)
            if first < t:
                t, it = first, again
        yield t
        cur = t


def recurrence_locals(rule, first_local):
    k = 0
    while True:
        if rule == "daily":
            yield first_local + timedelta(days=k)
        elif rule == "weekly":
            yield first_local + timedelta(days=7 * k)
        else:
            m = first_local.month - 1 + k
            y, m = first_local.year + m // 12, m % 12 + 1
            d = min(first_local.day, calendar.monthrange(y, m)[1])
            yield first_local.replace(year=y, month=m, day=d)
        k += 1


_transitions = {}


def transitions(name, year):
    """UTC instants (to the hour) around which `name` changes offset."""
    key = (name, year)
    if key not in _transitions:
        zone = ZoneInfo(name)
        t = datetime(year, 1, 1, tzinfo=UTC)
        out, prev = [], t.astimezone(zone).utcoffset()
        while t.year == year:
            t += timedelta(hours=1)
            off = t.astimezone(zone).utcoffset()
            if off != prev:
                out.append(t)
            prev = off
        _transitions[key] = out
    return _transitions[key]


def random_start(rnd, zone_name):
    if zone_name and zone_name != "UTC" and rnd.random() < 0.6:
        changes = transitions(zone_name, rnd.randint(2024, 2031))
        if changes:
            return rnd.choice(changes) - timedelta(minutes=rnd.randint(0, 3 * 24 * 60))
    if rnd.random() < 0.2:
        y = rnd.choice([2024, 2028])
        return datetime(y, 2, 27, tzinfo=UTC) + timedelta(minutes=rnd.randint(0, 3 * 24 * 60))
    base = datetime(2024, 1, 1, tzinfo=UTC)
    return base + timedelta(seconds=rnd.randint(0, 8 * 365 * 86400))


def build_queries(rnd):
    """(query line, expected output) pairs."""
    pairs = []
    for i in range(600):
        ours, theirs, day_or, fires = gen_expression(rnd)
        zoned = i >= 300
        zone_name = rnd.choice(ZONES) if zoned else "UTC"
        zone = ZoneInfo(zone_name) if zoned else None
        gap = rnd.choice(["shift", "skip"])
        repeat = rnd.choice(["first", "last", "both"])
        after = random_start(rnd, zone_name if zoned else None)
        line = "\t".join([ours, zone_name, gap, repeat, "-", fmt(after), str(COUNT)])
        if not fires:
            pairs.append((line, "error: Invalid field cron: never fires (no month has such a day)"))
            continue
        local_after = after.astimezone(zone).replace(tzinfo=None) if zone else after.replace(tzinfo=None)
        start = local_after - timedelta(days=1) if zone else local_after
        want = collect(cron_locals(theirs, day_or, start), zone, gap, repeat, after, COUNT)
        pairs.append((line, want))
    for _ in range(200):
        # Aimed at a clock change: the hours around it local time.
        zone_name = rnd.choice([z for z in ZONES if z not in ("UTC", "Asia/Kathmandu")])
        zone = ZoneInfo(zone_name)
        changes = transitions(zone_name, rnd.randint(2024, 2031))
        if not changes:
            continue
        change = rnd.choice(changes)
        before = (change - timedelta(hours=1)).astimezone(zone).hour
        # The hour after `before` local time: skipped on a spring day.
        hours = sorted({(change + timedelta(hours=d)).astimezone(zone).hour for d in (-2, -1, 0, 1)}
                       | {(before + 1) % 24})
        minute = rnd.choice(["0", "30", "*/15", "%d" % rnd.randint(0, 59), "0-59/%d" % rnd.randint(5, 30)])
        hours = sorted(rnd.sample(hours, rnd.randint(1, len(hours))))
        hour_text = ",".join(str(h) for h in hours) if rnd.random() < 0.8 else "*"
        ours = "%s %s * * *" % (minute, hour_text)
        gap = rnd.choice(["shift", "skip"])
        repeat = rnd.choice(["first", "last", "both"])
        after = change - timedelta(minutes=rnd.randint(0, 20 * 60))
        line = "\t".join([ours, zone_name, gap, repeat, "-", fmt(after), str(COUNT)])
        start = after.astimezone(zone).replace(tzinfo=None) - timedelta(days=1)
        pairs.append((line, collect(cron_locals(ours, False, start), zone, gap, repeat, after, COUNT)))
    for _ in range(120):
        rule = rnd.choice(["daily", "weekly", "monthly"])
        zone_name = rnd.choice(ZONES)
        zone = ZoneInfo(zone_name)
        gap = rnd.choice(["shift", "skip"])
        repeat = rnd.choice(["first", "last", "both"])
        first = random_start(rnd, zone_name).replace(second=0, microsecond=0)
        if rnd.random() < 0.3:
            first = first.replace(microsecond=rnd.choice([250000, 500, 123456]))
        line = "\t".join([rule, zone_name, gap, repeat, fmt(first), fmt(first), str(COUNT)])
        want = collect(recurrence_locals(rule, first.astimezone(zone).replace(tzinfo=None)),
                       zone, gap, repeat, first, COUNT)
        pairs.append((line, want))
    return pairs


def main():
    printer = sys.argv[1]
    seed = int(sys.argv[2]) if len(sys.argv) > 2 else 20270328
    rnd = random.Random(seed)
    pairs = build_queries(rnd)
    text = "".join(line + "\n" for line, _ in pairs)
    got = subprocess.run([printer], input=text, capture_output=True, text=True, check=True)
    lines = got.stdout.split("\n")
    bad = 0
    for (query, want), have in zip(pairs, lines):
        if want != have:
            bad += 1
            if bad <= 10:
                print("query:  %r\nengine: %s\noracle: %s\n" % (query, have, want))
    if len(lines) < len(pairs):
        print("the printer answered %d of %d queries" % (len(lines), len(pairs)))
        bad += 1
    print("cron oracle (seed %d): %d queries, %d differ" % (seed, len(pairs), bad))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
