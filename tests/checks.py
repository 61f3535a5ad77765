"""A counter of checks for the script tests: check(cond, what) records a
pass or prints the failure; done(name) prints "N passed, N failed" (the
closing line CI reads) and returns the exit status."""

passed = failed = 0


def check(cond, what):
    global passed, failed
    if cond:
        passed += 1
    else:
        failed += 1
        print("FAIL:", what)


def done(name):
    print(f"{name}: {passed} passed, {failed} failed")
    return 1 if failed else 0
