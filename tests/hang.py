"""How long a test waits for a child process, thread or loopback answer before calling it hung.

Only a bound on a hang, never a measure: on a 2-core machine under a parallel CPU load, a
git push that runs two publishing processes took more than a minute, so the bound is ten
minutes and a test's verdict never depends on it."""

HANG_SECONDS = 600.0
