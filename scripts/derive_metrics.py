#!/usr/bin/env python3
"""The derive's measures of issue 10, as Markdown tables (called by scripts/derive_metrics.sh).

Reads committed files only, no cargo:
- expanded lines: the insta snapshots in macros/src/tests/snapshots/ (prettyplease output
  of the derive). Lines of one association = non-empty body lines of a snapshot minus those
  of its baseline, the snapshot whose input is the same model without its last `#[has_one]`
  (the `baseline_*` tests in macros/src/tests/snapshots.rs; paired by input, not by name);
- errors per bad declaration: ui-tests/tests/ui/**/*.stderr (trybuild's expected output);
- the longest functions in macros/src (a brace matcher that skips comments, strings, char
  literals and the bodies of `quote!`-like macros, whose `fn`s are generated code);
- build cost (optional): the TSV that bench/buildcost.sh writes.

Usage: derive_metrics.py [--root DIR] [--build-cost-tsv FILE]
"""
import argparse
import json
import re
import statistics
import sys
from dataclasses import dataclass
from pathlib import Path

SNAPSHOTS = "macros/src/tests/snapshots"
SNAPSHOT_PREFIX = "diesel_has_one_macros__tests__snapshots__"
BASELINE_PREFIX = "baseline_"
UI_CASES = "ui-tests/tests/ui"
MACROS_SRC = "macros/src"
# the headline rows of the summary (issue 10's targets)
PLAIN = "family_plain"
THROUGH = ("family_through_has_one", "family_through_belongs_to")
MANY_ERRORS = 3
TOP_FUNCTIONS = 5
ERROR_LINE = re.compile(r"^error(\[E\d+\])?:")
NOT_AN_ERROR = re.compile(r"aborting due to|could not compile")
# generated/internal names: `__HasOne_profile`, `__private`, `__C`, the column encoding `Ch<'u'>`
INTERNAL = re.compile(r"(?<![A-Za-z0-9_])__+[A-Za-z0-9][A-Za-z0-9_]*|Ch<'")
QUOTE_MACRO = re.compile(
    r"\b(?:quote|quote_spanned|parse_quote|parse_quote_spanned)\s*!\s*([({\[])"
)
FN_ITEM = re.compile(r"\bfn\s+([A-Za-z_][A-Za-z0-9_]*)")
CHAR_LITERAL = re.compile(r"'(?:\\(?:x[0-9a-fA-F]{2}|u\{[0-9a-fA-F]{1,6}\}|.)|[^\\'\n])'")
RAW_STRING = re.compile(r'(?<![A-Za-z0-9_])b?r(#*)"')
CLOSER = {"(": ")", "[": "]", "{": "}"}


# ---------------------------------------------------------------- expanded lines


@dataclass
class Snapshot:
    """One insta snapshot: its test name, its input (whitespace removed), its body's size."""

    name: str
    input: str
    lines: int


def read_snapshot(path):
    """Parses `---` header `---` body; counts the body's non-empty lines."""
    text = path.read_text(encoding="utf-8")
    header, sep, body = text.partition("\n---\n")
    if not text.startswith("---\n") or not sep:
        raise SystemExit(f"{path}: not an insta snapshot (no `---` header)")
    expression = ""
    for line in header.splitlines():
        if line.startswith("expression: "):
            raw = line[len("expression: "):]
            expression = json.loads(raw) if raw.startswith('"') else raw
    name = path.stem.removeprefix(SNAPSHOT_PREFIX)
    lines = sum(1 for line in body.splitlines() if line.strip())
    return Snapshot(name, re.sub(r"\s+", "", expression), lines)


def has_one_spans(source):
    """(start, end) of each `#[has_one(…)]` in a whitespace-free input, strings skipped."""
    spans = []
    for m in re.finditer(re.escape("#[has_one("), source):
        depth, i = 0, m.start() + 1
        while i < len(source):
            c = source[i]
            if c == '"':
                i += 1
                while i < len(source) and source[i] != '"':
                    i += 2 if source[i] == "\\" else 1
            elif c in "([{":
                depth += 1
            elif c in ")]}":
                depth -= 1
                if depth == 0:
                    spans.append((m.start(), i + 1))
                    break
            i += 1
    return spans


def association_rows(snapshots):
    """One row per non-baseline snapshot with a `has_one`: totals, baseline, difference."""
    by_input = {s.input: s for s in snapshots}
    rows = []
    for s in snapshots:
        spans = has_one_spans(s.input)
        if s.name.startswith(BASELINE_PREFIX) or not spans:
            continue
        start, end = spans[-1]
        attr = s.input[start:end]
        base = by_input.get(s.input[:start] + s.input[end:])
        rows.append({
            "name": s.name,
            "association": re.match(r"#\[has_one\((\w+)", attr).group(1),
            "through": "through=" in attr,
            "lines": s.lines,
            "baseline": base,
            "diff": s.lines - base.lines if base else None,
        })
    return rows


def expanded_lines(root):
    """The snapshots' association rows; warns of any row without a baseline."""
    paths = sorted((root / SNAPSHOTS).glob(f"{SNAPSHOT_PREFIX}*.snap"))
    rows = association_rows([read_snapshot(p) for p in paths])
    for r in rows:
        if r["baseline"] is None:
            print(f"derive_metrics: no baseline for {r['name']}: add a `{BASELINE_PREFIX}…` "
                  f"snapshot of the same model without `{r['association']}`", file=sys.stderr)
    return rows


# ---------------------------------------------------------------- ui errors


def ui_case(path, root):
    """Errors of one .stderr: their count and the internal names in the first one."""
    lines = path.read_text(encoding="utf-8").splitlines()
    errors = [i for i, line in enumerate(lines)
              if ERROR_LINE.match(line) and not NOT_AN_ERROR.search(line)]
    internal = []
    if errors:
        block = []
        for line in lines[errors[0]:]:
            if not line.strip():
                break
            block.append(line)
        internal = sorted(set(INTERNAL.findall("\n".join(block))))
    case = path.relative_to(root / UI_CASES).with_suffix("").as_posix()
    return {"case": case, "errors": len(errors), "internal": internal}


def ui_errors(root):
    """Every compile-fail case under ui-tests/tests/ui, sorted by path."""
    return [ui_case(p, root) for p in sorted((root / UI_CASES).rglob("*.stderr"))]


# ---------------------------------------------------------------- longest functions


def blank(chars, start, end):
    """Replaces chars[start:end] with spaces, newlines kept (line numbers stay right)."""
    for i in range(start, end):
        if chars[i] != "\n":
            chars[i] = " "


def skip_literal(text, i):
    """End of the comment, string or char literal starting at i, or None (lifetime, code)."""
    if text.startswith("//", i):
        end = text.find("\n", i)
        return len(text) if end < 0 else end
    if text.startswith("/*", i):
        depth, j = 0, i
        while j < len(text):
            if text.startswith("/*", j):
                depth, j = depth + 1, j + 2
            elif text.startswith("*/", j):
                depth, j = depth - 1, j + 2
                if depth == 0:
                    return j
            else:
                j += 1
        return len(text)
    raw = RAW_STRING.match(text, i)
    if raw:
        end = text.find('"' + raw.group(1), raw.end())
        return len(text) if end < 0 else end + 1 + len(raw.group(1))
    if text[i] == '"':
        j = i + 1
        while j < len(text) and text[j] != '"':
            j += 2 if text[j] == "\\" else 1
        return j + 1
    if text[i] == "'":
        char = CHAR_LITERAL.match(text, i)
        return char.end() if char else None
    return None


def strip_rust(text):
    """The source with comments, strings and char literals blanked (lifetimes stay)."""
    chars, i = list(text), 0
    while i < len(text):
        end = skip_literal(text, i)
        if end is None:
            i += 1
        else:
            blank(chars, i, end)
            i = end
    return "".join(chars)


def matching(code, open_at):
    """Index of the delimiter closing the one at open_at (code already stripped)."""
    opener, depth = code[open_at], 0
    for j in range(open_at, len(code)):
        if code[j] == opener:
            depth += 1
        elif code[j] == CLOSER[opener]:
            depth -= 1
            if depth == 0:
                return j
    return len(code) - 1


def blank_quotes(code):
    """Blanks the insides of `quote!`-like invocations: their `fn`s are generated code."""
    chars = list(code)
    for m in QUOTE_MACRO.finditer(code):
        if chars[m.start(1)] != " ":  # not inside an outer, already blanked quote
            blank(chars, m.start(1) + 1, matching(code, m.start(1)))
    return "".join(chars)


def functions(path, root):
    """(length in lines, file:line, name) of each `fn` with a body in one file."""
    code = blank_quotes(strip_rust(path.read_text(encoding="utf-8")))
    found = []
    for m in FN_ITEM.finditer(code):
        depth, j = 0, m.end()
        while j < len(code) and not (depth == 0 and code[j] in "{;"):
            depth += {"(": 1, "[": 1, ")": -1, "]": -1}.get(code[j], 0)
            j += 1
        if j == len(code) or code[j] == ";":
            continue  # a declaration without a body
        first = code.count("\n", 0, m.start()) + 1
        last = code.count("\n", 0, matching(code, j)) + 1
        where = f"{path.relative_to(root).as_posix()}:{first}"
        found.append((last - first + 1, where, m.group(1)))
    return found


def longest_functions(root):
    """The TOP_FUNCTIONS longest functions in macros/src, longest first."""
    found = []
    for path in sorted((root / MACROS_SRC).rglob("*.rs")):
        found.extend(functions(path, root))
    return sorted(found, key=lambda f: (-f[0], f[1]))[:TOP_FUNCTIONS]


# ---------------------------------------------------------------- build cost


def build_cost(tsv):
    """Medians per crate and command from bench/buildcost.sh's TSV
    (`variant<TAB>command<TAB>seconds` lines; the older `variant<TAB>seconds` is a check)."""
    runs = {}
    for line in Path(tsv).read_text(encoding="utf-8").splitlines():
        cells = line.split("\t")
        if len(cells) == 2:
            cells.insert(1, "check")
        if len(cells) != 3:
            continue
        variant, command, secs = cells
        runs.setdefault((variant, command), []).append(float(secs))
    if not {("derive", "check"), ("plain", "check")} <= runs.keys():
        raise SystemExit(f"{tsv}: needs `derive` and `plain` `cargo check` runs")
    medians = {k: statistics.median(r) for k, r in runs.items()}

    def ratio(a, b, command="check"):
        if (a, command) in medians and (b, command) in medians:
            return medians[(a, command)] / medians[(b, command)]
        return None

    return {"runs": runs, "medians": medians, "ratio": ratio("derive", "plain"),
            "ratios": {(a, b, c): ratio(a, b, c)
                       for a, b in (("derive", "plain"), ("derive", "hand"),
                                    ("derive_calls", "hand_calls"))
                       for c in ("check", "build")}}


# ---------------------------------------------------------------- tables


def table(header, rows):
    """A Markdown table, header then rows (lists of cells)."""
    out = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    out += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(out)


def lines_of(rows, name):
    """`N` (the association's lines) for the row named name, `?` without a baseline."""
    for r in rows:
        if r["name"] == name:
            return "?" if r["diff"] is None else f"{r['diff']:,}"
    return "no snapshot"


def summary(assoc, cases, funcs, cost):
    """The table of issue 10's targets, measured."""
    many = [c for c in cases if c["errors"] > MANY_ERRORS]
    internal = [c for c in cases if c["internal"]]
    worst = max(cases, key=lambda c: c["errors"])
    through = ", ".join(f"{lines_of(assoc, n)} (`{n}`)" for n in THROUGH)
    cost_cell = "not measured (`--build-cost`)"
    if cost:
        cost_cell = f"{cost['ratio']:.2f}×"
        by_hand = cost["ratios"][("derive", "hand", "check")]
        if by_hand is not None:
            cost_cell += f" (vs the four methods by hand: {by_hand:.2f}×)"
    rows = [
        ["expanded lines, plain has_one", f"{lines_of(assoc, PLAIN)} (`{PLAIN}`)", "≤ 120"],
        ["expanded lines, has_one through", through, "≤ 250"],
        ["`cargo check` of 100 has_one models / same models without the derive",
         cost_cell, "≤ 1.3×"],
        ["errors for any single bad declaration in ui-tests",
         f"up to {worst['errors']} (`{worst['case']}`); {len(many)} of {len(cases)} cases > "
         f"{MANY_ERRORS}", f"≤ {MANY_ERRORS}"],
        ["first errors naming a generated/internal type",
         f"{len(internal)} of {len(cases)}", "0"],
        ["longest function in macros/",
         f"{funcs[0][0]} lines (`{funcs[0][2]}`, {funcs[0][1]})", "≤ 80"],
    ]
    return table(["measure", "now", "target"], rows)


def details(assoc, cases, funcs, cost):
    """The tables behind the summary: per snapshot, per ui case, per function, per crate."""
    out = ["### Expanded lines per association (non-empty lines, prettyplease)", table(
        ["snapshot", "association", "lines", "baseline", "baseline lines", "association lines"],
        [[f"`{r['name']}`", f"`{r['association']}`" + (" (through)" if r["through"] else ""),
          r["lines"], f"`{r['baseline'].name}`" if r["baseline"] else "—",
          r["baseline"].lines if r["baseline"] else "—",
          "?" if r["diff"] is None else r["diff"]] for r in assoc])]
    many = sorted((c for c in cases if c["errors"] > MANY_ERRORS), key=lambda c: -c["errors"])
    out += [f"### ui cases with more than {MANY_ERRORS} errors ({len(many)} of {len(cases)})",
            table(["case", "errors"], [[f"`{c['case']}`", c["errors"]] for c in many])]
    internal = [c for c in cases if c["internal"]]
    out += [f"### ui cases whose first error names a generated/internal type "
            f"({len(internal)} of {len(cases)})",
            table(["case", "errors", "names"],
                  [[f"`{c['case']}`", c["errors"], ", ".join(f"`{n}`" for n in c["internal"])]
                   for c in internal])]
    out += [f"### Longest functions in {MACROS_SRC}",
            table(["function", "where", "lines"], [[f"`{n}`", w, k] for k, w, n in funcs])]
    if cost:
        variants = ["derive", "plain", "hand", "derive_calls", "hand_calls"]
        commands = ["check", "build"]

        def rank(key):
            v, c = key
            return (variants.index(v) if v in variants else len(variants), v,
                    commands.index(c) if c in commands else len(commands), c)

        out += ["### Build cost (wall clock, s)", table(
            ["crate", "command", "runs", "median"],
            [[v, f"`cargo {c}`", ", ".join(f"{s:.2f}" for s in r), f"{cost['medians'][(v, c)]:.2f}"]
             for (v, c), r in sorted(cost["runs"].items(), key=lambda kv: rank(kv[0]))])]
        out += [table(
            ["ratio of medians", "`cargo check`", "`cargo build`"],
            [[f"{a} / {b}"] + ["–" if cost["ratios"][(a, b, c)] is None
                               else f"{cost['ratios'][(a, b, c)]:.2f}" for c in commands]
             for a, b in (("derive", "plain"), ("derive", "hand"),
                          ("derive_calls", "hand_calls"))])]
    return "\n\n".join(out)


def main():
    """Measures, prints the tables; exit 1 when a snapshot lacks its baseline."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", type=Path, default=Path(__file__).resolve().parent.parent)
    parser.add_argument("--build-cost-tsv", help="bench/buildcost.sh's output to report")
    args = parser.parse_args()
    assoc = expanded_lines(args.root)
    cases = ui_errors(args.root)
    funcs = longest_functions(args.root)
    cost = build_cost(args.build_cost_tsv) if args.build_cost_tsv else None
    print(summary(assoc, cases, funcs, cost))
    print()
    print(details(assoc, cases, funcs, cost))
    return 1 if any(r["baseline"] is None for r in assoc) else 0


if __name__ == "__main__":
    sys.exit(main())
