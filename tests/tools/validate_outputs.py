#!/usr/bin/env python3
"""Validates deploylint's machine-readable outputs with independent tools.

    validate_outputs.py --sarif-schema SCHEMA [--sarif F]... [--gitlab F]... [--checkstyle F]...

- SARIF: against the SARIF 2.1.0 JSON schema (draft-04) with the `jsonschema` package, plus
  the cross-references the schema cannot express (ruleIndex points at the rule with the
  same id, related location ids are unique, fingerprints are unique).
- GitLab Code Quality: the fields GitLab documents as required, with their types and the
  allowed severities; fingerprints unique.
- Checkstyle: well-formed XML (Python's parser) with the expected elements and attributes.

Prints one line per file and exits 1 on the first invalid one.
"""

import argparse
import json
import sys
import xml.etree.ElementTree as ElementTree


def fail(path, message):
    print(f"INVALID {path}: {message}")
    sys.exit(1)


def validate_sarif(path, validator):
    with open(path, encoding="utf-8") as handle:
        log = json.load(handle)
    errors = sorted(validator.iter_errors(log), key=lambda e: list(e.path))
    if errors:
        first = errors[0]
        fail(path, f"{first.message} at {'/'.join(map(str, first.path))}")
    results = 0
    for run in log["runs"]:
        rules = run["tool"]["driver"].get("rules", [])
        ids = [rule["id"] for rule in rules]
        if len(ids) != len(set(ids)):
            fail(path, "duplicate rule ids")
        prints = set()
        for result in run.get("results", []):
            results += 1
            index = result.get("ruleIndex")
            if index is None or not 0 <= index < len(rules) or rules[index]["id"] != result["ruleId"]:
                fail(path, f"ruleIndex {index} does not point at {result['ruleId']}")
            related = [r["id"] for r in result.get("relatedLocations", [])]
            if len(related) != len(set(related)):
                fail(path, "duplicate relatedLocations ids")
            fingerprint = result["partialFingerprints"]["deploylint/v1"]
            if fingerprint in prints:
                fail(path, f"duplicate fingerprint {fingerprint}")
            prints.add(fingerprint)
    print(f"ok {path}: SARIF 2.1.0, {results} results")


GITLAB_SEVERITIES = {"info", "minor", "major", "critical", "blocker"}


def validate_gitlab(path):
    with open(path, encoding="utf-8") as handle:
        issues = json.load(handle)
    if not isinstance(issues, list):
        fail(path, "a Code Quality report is a JSON array")
    prints = set()
    for number, issue in enumerate(issues):
        for field in ("description", "check_name", "fingerprint", "severity"):
            if not isinstance(issue.get(field), str) or not issue[field]:
                fail(path, f"issue {number}: `{field}` must be a non-empty string")
        if issue["severity"] not in GITLAB_SEVERITIES:
            fail(path, f"issue {number}: unknown severity {issue['severity']!r}")
        location = issue.get("location", {})
        if not isinstance(location.get("path"), str) or location["path"].startswith("/"):
            fail(path, f"issue {number}: `location.path` must be a relative path")
        begin = location.get("lines", {}).get("begin")
        if not isinstance(begin, int) or begin < 1:
            fail(path, f"issue {number}: `location.lines.begin` must be a line number")
        if issue["fingerprint"] in prints:
            fail(path, f"issue {number}: duplicate fingerprint")
        prints.add(issue["fingerprint"])
    print(f"ok {path}: GitLab Code Quality, {len(issues)} issues")


def validate_checkstyle(path):
    try:
        root = ElementTree.parse(path).getroot()
    except ElementTree.ParseError as error:
        fail(path, f"not well-formed XML: {error}")
    if root.tag != "checkstyle":
        fail(path, f"root element is <{root.tag}>, expected <checkstyle>")
    errors = 0
    for file in root:
        if file.tag != "file" or not file.get("name"):
            fail(path, "every child of <checkstyle> is a <file name=...>")
        for error in file:
            errors += 1
            if error.tag != "error" or error.get("severity") not in {"error", "warning", "info"}:
                fail(path, "every child of <file> is an <error severity=...>")
            if not error.get("message") or not error.get("source"):
                fail(path, "<error> needs message and source")
    print(f"ok {path}: Checkstyle XML, {errors} errors")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--sarif-schema")
    parser.add_argument("--sarif", action="append", default=[])
    parser.add_argument("--gitlab", action="append", default=[])
    parser.add_argument("--checkstyle", action="append", default=[])
    args = parser.parse_args()
    if args.sarif:
        import jsonschema

        with open(args.sarif_schema, encoding="utf-8") as handle:
            schema = json.load(handle)
        validator = jsonschema.Draft4Validator(schema)
        for path in args.sarif:
            validate_sarif(path, validator)
    for path in args.gitlab:
        validate_gitlab(path)
    for path in args.checkstyle:
        validate_checkstyle(path)


if __name__ == "__main__":
    main()
