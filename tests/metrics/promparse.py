"""A strict parser of the Prometheus text exposition format (0.0.4), for
the tests: it raises ValueError on anything promtool would reject or warn
about in floodspot's output (promtool itself is used too when installed).

parse(text) -> (samples, types, helps): samples maps (name, labels) to
the value, labels a tuple of (key, value) pairs in the order written.
Checks: line syntax; metric and label names; label values with only the
escapes \\\\ \\" \\n; each family's HELP and TYPE at most once and before its
samples; a family's samples together; no series twice; counters named
*_total and never negative; the text ends with a newline."""
import math
import re

NAME = re.compile(r"[a-zA-Z_:][a-zA-Z0-9_:]*")
LABEL = re.compile(r"[a-zA-Z_][a-zA-Z0-9_]*")
TYPES = {"counter", "gauge", "histogram", "summary", "untyped"}


def _value(text, where):
    if text in ("NaN", "+Inf", "-Inf"):
        return float(text.replace("Inf", "inf").replace("NaN", "nan"))
    if not re.fullmatch(r"[-+]?(\d+\.?\d*([eE][-+]?\d+)?|\.\d+([eE][-+]?\d+)?)", text):
        raise ValueError("%s: bad value %r" % (where, text))
    return float(text)


def _labels(s, i, where):
    """Parses {k="v",...} from s[i] == '{'; returns (labels, next index)."""
    out = []
    i += 1
    seen = set()
    while True:
        if s[i] == "}":
            return tuple(out), i + 1
        m = LABEL.match(s, i)
        if not m:
            raise ValueError("%s: bad label name at %r" % (where, s[i:]))
        key = m.group(0)
        if key in seen:
            raise ValueError("%s: label %s twice" % (where, key))
        seen.add(key)
        i = m.end()
        if s[i:i + 2] != '="':
            raise ValueError("%s: expected =\" after %s" % (where, key))
        i += 2
        val = []
        while True:
            if i >= len(s):
                raise ValueError("%s: unterminated label value" % where)
            c = s[i]
            if c == "\\":
                nxt = s[i + 1:i + 2]
                if nxt == "\\":
                    val.append("\\")
                elif nxt == '"':
                    val.append('"')
                elif nxt == "n":
                    val.append("\n")
                else:
                    raise ValueError("%s: bad escape \\%s" % (where, nxt))
                i += 2
            elif c == '"':
                i += 1
                break
            else:
                val.append(c)
                i += 1
        out.append((key, "".join(val)))
        if s[i] == ",":
            i += 1
        elif s[i] != "}":
            raise ValueError("%s: expected , or } at %r" % (where, s[i:]))


def parse(text):
    if not text.endswith("\n"):
        raise ValueError("exposition does not end with a newline")
    samples, types, helps = {}, {}, {}
    done = set()          # families whose samples are over
    current = None
    for n, line in enumerate(text.split("\n")[:-1], 1):
        where = "line %d" % n
        if line == "":
            raise ValueError("%s: empty line" % where)
        if line.startswith("#"):
            m = re.fullmatch(r"# (HELP|TYPE) (\S+) (.*)", line)
            if not m:
                if line.startswith("# HELP") or line.startswith("# TYPE"):
                    raise ValueError("%s: malformed %r" % (where, line))
                continue
            kind, name, rest = m.groups()
            if not NAME.fullmatch(name):
                raise ValueError("%s: bad metric name %r" % (where, name))
            table = helps if kind == "HELP" else types
            if name in table:
                raise ValueError("%s: second %s for %s" % (where, kind, name))
            if name in done or current == name and kind == "TYPE" and \
                    any(k[0] == name for k in samples):
                raise ValueError("%s: %s after the samples of %s" % (where, kind, name))
            if kind == "TYPE" and rest not in TYPES:
                raise ValueError("%s: unknown type %r" % (where, rest))
            if kind == "HELP" and re.search(r"\\[^\\n]", rest):
                raise ValueError("%s: bad escape in HELP" % where)
            table[name] = rest
            continue
        m = NAME.match(line)
        if not m:
            raise ValueError("%s: bad sample %r" % (where, line))
        name = m.group(0)
        i = m.end()
        labels = ()
        if i < len(line) and line[i] == "{":
            labels, i = _labels(line, i, where)
        if line[i:i + 1] != " ":
            raise ValueError("%s: expected a space before the value" % where)
        parts = line[i + 1:].split(" ")
        if len(parts) not in (1, 2):
            raise ValueError("%s: trailing text %r" % (where, line[i:]))
        value = _value(parts[0], where)
        if len(parts) == 2 and not re.fullmatch(r"-?\d+", parts[1]):
            raise ValueError("%s: bad timestamp" % where)
        if name not in types:
            raise ValueError("%s: sample of %s before its TYPE" % (where, name))
        if name in done:
            raise ValueError("%s: samples of %s not together" % (where, name))
        if current is not None and current != name:
            done.add(current)
        current = name
        if types[name] == "counter":
            if not name.endswith("_total"):
                raise ValueError("%s: counter %s not named *_total" % (where, name))
            if value < 0 or math.isnan(value):
                raise ValueError("%s: counter %s is %r" % (where, name, value))
        key = (name, labels)
        if key in samples:
            raise ValueError("%s: series %r twice" % (where, key))
        samples[key] = value
    return samples, types, helps


def value(samples, name, **labels):
    """The value of one series (labels matched as given, in any order)."""
    want = set(labels.items())
    hits = [v for (n, l), v in samples.items() if n == name and set(l) == want]
    if len(hits) != 1:
        raise KeyError("%s%r: %d series" % (name, labels, len(hits)))
    return hits[0]


def series(samples, name):
    """Every series of a family: list of (labels dict, value)."""
    return [(dict(l), v) for (n, l), v in samples.items() if n == name]
