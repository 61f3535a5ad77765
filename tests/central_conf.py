"""The collector's rsyslog configuration as docs/CENTRAL.md documents it,
its paths and port made a test's, so the tests run exactly what the
operator is told to install."""
import os
import re

DOC = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "docs",
                   "CENTRAL.md")


def rsyslog_conf(path, work, port, agents_dir, address=None):
    """Writes the configuration to path; returns it."""
    with open(DOC) as f:
        doc = f.read()
    m = re.search(r"    # /etc/rsyslog\.d/40-floodspot-central\.conf\n"
                  r"((?:    .*\n)+)", doc)
    if not m:
        raise SystemExit("%s: no rsyslog configuration block" % DOC)
    conf = "".join(line[4:] + "\n" for line in m.group(1).splitlines())
    conf = conf.replace('port="2514"', 'port="%d"' % port + (
        ' address="%s"' % address if address else ""))
    conf = conf.replace("/var/log/floodspot/agents", agents_dir)
    os.makedirs(work, exist_ok=True)
    with open(path, "w") as f:
        f.write('global(workDirectory="%s")\n' % work + conf)
    return path
