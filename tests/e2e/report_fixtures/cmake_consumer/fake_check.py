#!/usr/bin/env python3
"""Stands in for interlock-check: records its arguments, writes one data-race."""
import json
import os
import sys

args = sys.argv[1:]
out = next(a.split("=", 1)[1] for a in args if a.startswith("--output="))
build = args[args.index("-p") + 1]
sources = [a for a in args if a.endswith(".c")]
with open(out + ".args", "w") as f:
    json.dump(args, f)
result = {"ruleId": "data-race", "level": "warning", "message": {"text": "fake race"},
          "locations": [{"physicalLocation": {"artifactLocation": {"uri": os.path.basename(sources[0]), "uriBaseId": "SRCROOT"},
                                              "region": {"startLine": 3}}}],
          "partialFingerprints": {"interlock/v1": "fake-race"}}
log = {"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "interlock-check", "version": "0"}},
                                     "originalUriBaseIds": {"SRCROOT": {"uri": "file://" + os.path.dirname(sources[0]) + "/"}},
                                     "results": [result]}]}
with open(out, "w") as f:
    json.dump(log, f)
sys.exit(1 if os.path.isfile(os.path.join(build, "compile_commands.json")) else 3)
