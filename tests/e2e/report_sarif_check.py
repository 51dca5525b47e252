"""Structural checks of SARIF 2.1.0 as GitHub code scanning needs it.

Standard library only: no JSON schema validator in Debian's python3 base, so the
properties code scanning relies on are checked one by one.
"""


def sarif_problems(log):
    """Returns a list of problems (empty when the log is acceptable)."""
    problems = []

    def need(cond, what):
        if not cond:
            problems.append(what)

    need(isinstance(log, dict), "top level is not an object")
    if not isinstance(log, dict):
        return problems
    need(log.get("version") == "2.1.0", "version is not 2.1.0")
    need(isinstance(log.get("$schema"), str), "no $schema")
    runs = log.get("runs")
    need(isinstance(runs, list) and len(runs) >= 1, "no runs")
    for r, run in enumerate(runs or []):
        driver = run.get("tool", {}).get("driver", {})
        need(isinstance(driver.get("name"), str) and driver["name"], f"run {r}: no tool.driver.name")
        need(isinstance(driver.get("version"), str) and driver["version"], f"run {r}: no driver.version")
        rules = driver.get("rules", [])
        need(isinstance(rules, list) and rules, f"run {r}: no rules")
        rule_ids = []
        for rule in rules:
            need(isinstance(rule.get("id"), str), f"run {r}: rule without id")
            need(bool(rule.get("help", {}).get("text")), f"rule {rule.get('id')}: no help.text")
            need(bool(rule.get("shortDescription", {}).get("text")),
                 f"rule {rule.get('id')}: no shortDescription.text")
            rule_ids.append(rule.get("id"))
        need(len(set(rule_ids)) == len(rule_ids), f"run {r}: duplicate rule ids")
        bases = run.get("originalUriBaseIds", {})
        srcroot = bases.get("SRCROOT", {}).get("uri", "")
        need(srcroot.startswith("file:///") and srcroot.endswith("/"),
             f"run {r}: originalUriBaseIds.SRCROOT.uri must be an absolute file URI ending in /")
        for i, res in enumerate(run.get("results", [])):
            where = f"run {r} result {i}"
            need(res.get("ruleId") in rule_ids, f"{where}: ruleId {res.get('ruleId')!r} not in rules")
            if "ruleIndex" in res:
                need(0 <= res["ruleIndex"] < len(rules) and rules[res["ruleIndex"]]["id"] == res["ruleId"],
                     f"{where}: ruleIndex does not point at its rule")
            need(res.get("level") in ("error", "warning", "note", "none"), f"{where}: bad level")
            need(bool(res.get("message", {}).get("text")), f"{where}: no message.text")
            locs = res.get("locations", [])
            need(isinstance(locs, list) and len(locs) >= 1, f"{where}: no locations")
            for loc in locs + res.get("relatedLocations", []):
                phys = loc.get("physicalLocation", {})
                art = phys.get("artifactLocation", {})
                uri = art.get("uri", "")
                need(bool(uri), f"{where}: location without uri")
                if art.get("uriBaseId") is not None:
                    need(art["uriBaseId"] in bases, f"{where}: uriBaseId {art['uriBaseId']} undefined")
                    need(not uri.startswith("/") and "://" not in uri,
                         f"{where}: uri {uri!r} with a uriBaseId must be relative")
                else:
                    need(uri.startswith("file:///"), f"{where}: uri {uri!r} is neither relative nor absolute")
                region = phys.get("region")
                if region is not None:
                    need(isinstance(region.get("startLine"), int) and region["startLine"] >= 1,
                         f"{where}: region.startLine must be >= 1")
            fps = res.get("partialFingerprints", {})
            need(isinstance(fps, dict) and any(isinstance(v, str) and v for v in fps.values()),
                 f"{where}: no partialFingerprints")
            if "baselineState" in res:
                need(res["baselineState"] in ("new", "unchanged", "updated", "absent"),
                     f"{where}: bad baselineState")
    return problems
