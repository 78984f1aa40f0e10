#!/usr/bin/env python3
"""prom_check.py FILE: check a /metrics answer against the Prometheus text
format 0.0.4: HELP/TYPE lines (at most one each per metric, TYPE before its
samples), metric and label names, label values (only \\\\, \\" and \\n are
escapes; valid UTF-8), every sample of a metric in one group, no series twice,
counters named *_total, histogram buckets cumulative with a +Inf bucket equal
to _count.  Prints each problem; exit status 1 when there is one."""
import re
import sys

NAME = re.compile(r'[a-zA-Z_:][a-zA-Z0-9_:]*$')
LNAME = re.compile(r'[a-zA-Z_][a-zA-Z0-9_]*$')
SAMPLE = re.compile(r'([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})? (\S+)( -?\d+)?$')
LABEL = re.compile(r'\s*([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\\n]|\\[\\"n])*)"\s*(,|$)')

problems = []
raw = open(sys.argv[1], 'rb').read()
try:
    text = raw.decode('utf-8')
except UnicodeDecodeError as e:
    problems.append('not UTF-8: %s' % e)
    text = raw.decode('utf-8', 'replace')
types, helps, done, series = {}, set(), set(), set()
current = None
buckets = {}


def family(name):
    for suf in ('_bucket', '_sum', '_count'):
        if name.endswith(suf) and types.get(name[:-len(suf)]) in ('histogram', 'summary'):
            return name[:-len(suf)]
    return name


def enter(fam, lineno):
    global current
    if fam != current:
        if fam in done:
            problems.append('line %d: %s again after other metrics (one group per metric)' % (lineno, fam))
        if current:
            done.add(current)
        current = fam


for n, line in enumerate(text.split('\n'), 1):
    if not line:
        continue
    if line.startswith('#'):
        p = line.split(None, 3)
        if len(p) >= 3 and p[1] in ('HELP', 'TYPE'):
            if not NAME.match(p[2]):
                problems.append('line %d: bad metric name %r' % (n, p[2]))
            enter(p[2], n)
            if p[1] == 'HELP':
                if p[2] in helps:
                    problems.append('line %d: second HELP for %s' % (n, p[2]))
                helps.add(p[2])
            else:
                t = p[3] if len(p) > 3 else ''
                if p[2] in types:
                    problems.append('line %d: second TYPE for %s' % (n, p[2]))
                if t not in ('counter', 'gauge', 'histogram', 'summary', 'untyped'):
                    problems.append('line %d: bad type %r' % (n, t))
                if t == 'counter' and not p[2].endswith('_total'):
                    problems.append('line %d: counter %s not named *_total' % (n, p[2]))
                types[p[2]] = t
        continue
    m = SAMPLE.match(line)
    if not m:
        problems.append('line %d: not a sample: %r' % (n, line))
        continue
    name, labels, value = m.group(1), m.group(3) or '', m.group(4)
    fam = family(name)
    if fam not in types:
        problems.append('line %d: %s has no TYPE line before it' % (n, name))
    enter(fam, n)
    pairs, rest = [], labels
    while rest:
        lm = LABEL.match(rest)
        if not lm:
            problems.append('line %d: bad labels %r' % (n, labels))
            break
        pairs.append((lm.group(1), lm.group(2)))
        rest = rest[lm.end():]
    key = (name, tuple(sorted(pairs)))
    if key in series:
        problems.append('line %d: series %s twice' % (n, key))
    series.add(key)
    if len({k for k, _ in pairs}) != len(pairs):
        problems.append('line %d: a label twice' % n)
    try:
        v = float(value)
    except ValueError:
        problems.append('line %d: bad value %r' % (n, value))
        continue
    if types.get(fam) == 'histogram':
        b = buckets.setdefault(fam, {'le': [], 'count': None})
        if name.endswith('_bucket'):
            b['le'].append((dict(pairs).get('le'), v))
        elif name.endswith('_count'):
            b['count'] = v
for fam, b in buckets.items():
    vals = [v for _, v in b['le']]
    if vals != sorted(vals):
        problems.append('%s: buckets not cumulative' % fam)
    if not b['le'] or b['le'][-1][0] != '+Inf' or b['le'][-1][1] != b['count']:
        problems.append('%s: +Inf bucket missing or not equal to _count' % fam)
for p in problems:
    print(p)
sys.exit(1 if problems else 0)
