#!/usr/bin/env python3
"""The HTML report opened in a real headless browser (Debian's chromium).

The page is rendered with --dump-dom: the DOM after parsing must hold the
summary table with every finding, the findings' code snippets and the cycle
drawings. Without chromium the test exits 77, which CTest shows as skipped.
"""
import argparse
import html.parser
import os
import shutil
import subprocess
import sys
import tempfile

SKIP = 77


class DomSummary(html.parser.HTMLParser):
    """Collects what a reader would see: summary rows, finding sections, svgs."""

    def __init__(self):
        super().__init__()
        self.summary_rows = 0
        self.sections = 0
        self.svgs = 0
        self.in_summary = False
        self.text = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "table" and attrs.get("id") == "summary":
            self.in_summary = True
        elif tag == "tr" and self.in_summary:
            self.summary_rows += 1
        elif tag == "section" and "finding" in attrs.get("class", ""):
            self.sections += 1
        elif tag == "svg":
            self.svgs += 1

    def handle_endtag(self, tag):
        if tag == "table":
            self.in_summary = False

    def handle_data(self, data):
        self.text.append(data)


def find_browser():
    for name in ("chromium", "chromium-browser"):
        path = shutil.which(name)
        if path:
            return path
    return None


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--interlock", required=True)
    parser.add_argument("--fixtures", required=True)
    args = parser.parse_args()
    fixtures = os.path.abspath(args.fixtures)

    browser = find_browser()
    if not browser:
        print("SKIP: chromium is not installed (scripts/install-deps.sh installs it)")
        return SKIP

    work = tempfile.mkdtemp(prefix="interlock-html-test-")
    try:
        inputs = []
        for name in ("static.sarif", "run_xy.sarif", "run_ab.sarif", "run_ba.sarif"):
            with open(os.path.join(fixtures, name)) as f:
                text = f.read().replace("@ROOT@", "file://" + fixtures)
            path = os.path.join(work, name)
            with open(path, "w") as f:
                f.write(text)
            inputs.append(path)
        page = os.path.join(work, "report.html")
        proc = subprocess.run([args.interlock, "report", *inputs, "--srcroot=" + fixtures,
                               "--format=html", "--output=" + page],
                              capture_output=True, text=True, timeout=60)
        if proc.returncode != 1:
            print(f"interlock report exited {proc.returncode}, expected 1\n{proc.stderr}")
            return 1
        profile = tempfile.mkdtemp(prefix="interlock-chromium-", dir=work)
        dom = subprocess.run(
            [browser, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
             "--disable-component-update", "--disable-sync", "--no-first-run",
             "--user-data-dir=" + profile, "--dump-dom", "file://" + page],
            capture_output=True, text=True, timeout=120)
        if dom.returncode != 0 or "<html" not in dom.stdout:
            print(f"chromium failed (exit {dom.returncode}):\n{dom.stderr[-2000:]}")
            return 1
        summary = DomSummary()
        summary.feed(dom.stdout)
        text = " ".join(summary.text)
        failures = []
        # static.sarif: 1 cycle (confirmed by run_xy) + 2 races; run_ab+run_ba: 1 cross-run cycle.
        if summary.summary_rows != 1 + 4:
            failures.append(f"summary table has {summary.summary_rows - 1} finding rows, expected 4")
        if summary.sections != 4:
            failures.append(f"{summary.sections} finding sections, expected 4")
        if summary.svgs < 3:
            failures.append(f"{summary.svgs} svg drawings, expected >= 3 (2 cycles + whole graph)")
        for expected in ("FAIL: 3 finding(s)", "lock-order-inversion", "data-race", "cross-run",
                         "confirmed at run time", "no single run saw the whole cycle",
                         "pthread_mutex_lock(&lock_y);", "lock_a", "lock_b"):
            if expected not in text:
                failures.append(f"the rendered page does not show {expected!r}")
        for f in failures:
            print("FAIL:", f)
        if not failures:
            print(f"OK: chromium rendered {summary.sections} findings, {summary.svgs} drawings")
        return 1 if failures else 0
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
