#!/usr/bin/env python3
"""Rules parser tests driven by files.

errors/NAME.rules: parsing must fail; stderr must equal errors/NAME.expected
(file:line:col: message for every error). valid/*.rules and the shipped
rules/*.rules: parse -> canonical print -> reparse -> print must be equal.
"""
import os
import subprocess
import sys
import tempfile


def run(check, args, cwd=None):
    return subprocess.run([check] + args, cwd=cwd, capture_output=True,
                          text=True, errors='replace')


def main():
    check = os.path.abspath(sys.argv[1])
    srcdir, rulesdir = sys.argv[2], sys.argv[3]
    failures = 0
    errdir = os.path.join(srcdir, 'errors')
    cases = sorted(f for f in os.listdir(errdir) if f.endswith('.rules'))
    for name in cases:
        base = name[:-len('.rules')]
        with open(os.path.join(errdir, base + '.expected')) as f:
            expected = f.read()
        r = run(check, [name], cwd=errdir)
        if r.returncode != 1 or r.stderr != expected:
            failures += 1
            print(f'FAIL errors/{name}: exit {r.returncode}')
            print('--- expected\n' + expected + '--- got\n' + r.stderr)
    valid = [os.path.join(srcdir, 'valid', f)
             for f in sorted(os.listdir(os.path.join(srcdir, 'valid')))
             if f.endswith('.rules')]
    valid += [os.path.join(rulesdir, f) for f in sorted(os.listdir(rulesdir))
              if f.endswith('.rules')]
    valid.append(rulesdir)  # directory loading, in name order
    for path in valid:
        r1 = run(check, ['-p', path])
        if r1.returncode != 0 or r1.stderr:
            failures += 1
            print(f'FAIL {path}: does not parse\n{r1.stderr}')
            continue
        with tempfile.NamedTemporaryFile('w', suffix='.rules',
                                         delete=False) as t:
            t.write(r1.stdout)
        try:
            r2 = run(check, ['-p', t.name])
        finally:
            os.unlink(t.name)
        if r2.returncode != 0 or r2.stdout != r1.stdout:
            failures += 1
            print(f'FAIL {path}: canonical form does not read back the same')
            print(r2.stderr)
    print(f'{len(cases)} error cases, {len(valid)} round trips, '
          f'{failures} failures')
    return 1 if failures else 0


if __name__ == '__main__':
    sys.exit(main())
