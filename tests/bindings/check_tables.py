#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""No binding keeps a table or a range that the C library owns (issue 21).

Reads the sources only (no build needed):
  - every public C enum has one row per constant in lib/enums.c (the table dw_enum_* serve), in order;
  - C#: no hand-written enum (they are generated from the headers by bindings/csharp/gen-enums.py, which
    covers every constant of the enums it lists);
  - Python: no literal name<->value table of a C enum, and the Literal[...] type hints hold exactly the
    names C accepts;
  - PowerShell: no raw errno / Win32 comparison, no ValidateSet copying a C enum's names;
  - no binding repeats an option range that dw_drop_options_check() owns, the syslog facility range, or a
    default that an _init() function owns;
  - no binding grows a buffer until a library text fits (the dw_*_alloc() variants do that in C);
  - no binding does HRESULT arithmetic (dw_win32_from_hresult, dw_hresult_from_win32) or guesses the path
    style from the root (dw_resolve_style);
  - PowerShell compares no number other than 0 and 1 (counts, signs): codes, versions and ranges are the
    C# layer's questions to C;
  - no binding and no CLI source (src/) copies a default or limit a public DW_ macro owns (the stale age,
    the throttle window and its limit, the syslog facility, retry and lock defaults, the pickup defaults
    and follow-loop wait): neither the number, nor "default N" in a help text;
  - no binding and no CLI source scans dw_errno_name / dw_win32_name over a range to find a name's value.
Prints one line per problem and exits 1 when there is any.
"""
import os
import re
import sys
from pathlib import Path

TOP = Path(os.environ.get("top_srcdir") or Path(__file__).resolve().parents[2])
problems = []


def problem(text):
    problems.append(text)
    print("FAIL:", text)


ENUM_RE = re.compile(r"typedef\s+enum\s+(dw_\w+)\s*\{(.*?)\}\s*\1\s*;", re.S)
# Bit sets and the kind selector itself have no name table.
NOT_NAMED = {"dw_explain_warning", "dw_enum"}

headers = {}
for h in sorted((TOP / "include" / "dropwatch").glob("*.h")):
    for m in ENUM_RE.finditer(h.read_text(encoding="utf-8")):
        body = re.sub(r"/\*.*?\*/", "", m.group(2), flags=re.S)
        headers[m.group(1)] = re.findall(r"\b(DW_\w+)\s*=", body)

enums_c = (TOP / "lib" / "enums.c").read_text(encoding="utf-8")
rows = {}
for m in re.finditer(r"static const enum_row (rows_\w+)\[\] = \{(.*?)\};", enums_c, re.S):
    rows[m.group(1)] = re.findall(r"V\((DW_\w+),\s*(NULL|\"[^\"]*\")\)", m.group(2))
kinds = dict(re.findall(r"K\((dw_\w+),\s*(rows_\w+)", enums_c))

names_of = {}  # C type -> canonical names given in enums.c (None where a name function owns them)
for ctype, consts in headers.items():
    if ctype in NOT_NAMED:
        continue
    if ctype not in kinds:
        problem(f"{ctype}: no DW_ENUM_ kind in lib/enums.c")
        continue
    listed, seen = [], set()
    for const, _ in rows[kinds[ctype]]:
        if const not in seen:  # later rows with the same constant are aliases
            listed.append(const)
            seen.add(const)
    if listed != consts:
        problem(f"{ctype}: lib/enums.c lists {listed}, the header declares {consts}")
    distinct = {}
    for const, name in rows[kinds[ctype]]:
        distinct.setdefault(const, None if name == "NULL" else name.strip('"'))
    names_of[ctype] = list(distinct.values())

# ---- C#: enums are generated --------------------------------------------------------------------------
for cs in sorted((TOP / "bindings" / "csharp" / "DropWatch").glob("*.cs")):
    for n, line in enumerate(cs.read_text(encoding="utf-8").splitlines(), 1):
        if re.search(r"\benum\s+\w+\s*(\{|$|:)", line) and not line.lstrip().startswith("//"):
            problem(f"{cs.relative_to(TOP)}:{n}: hand-written enum (generate it from the C header: gen-enums.py)")
gen = (TOP / "bindings" / "csharp" / "gen-enums.py").read_text(encoding="utf-8")
for ctype in re.findall(r'^\s*\("(dw_\w+)", "\w+"', gen, re.M):
    if ctype not in headers:
        problem(f"gen-enums.py: {ctype} is not a C enum")

# ---- Python -------------------------------------------------------------------------------------------
LITERALS = {"NamingArg": "dw_naming", "PriorityArg": "dw_priority", "EohArg": "dw_eoh_mode",
            "StyleArg": "dw_path_style", "QuotaModeArg": "dw_quota_mode"}
for py in sorted((TOP / "bindings" / "python" / "dropwatch").glob("*.py")):
    text = py.read_text(encoding="utf-8")
    for n, line in enumerate(text.splitlines(), 1):
        code = line.split("#", 1)[0]
        if re.search(r"[\"'][\w-]+[\"']\s*:\s*_native\.DW_", code) or re.search(r"\b_native\.DW_\w+\s*:\s*[\"']", code):
            problem(f"{py.relative_to(TOP)}:{n}: a name table of a C enum (use dw_enum_name / dw_enum_from_name)")
        if re.search(r"\{\s*\d+\s*:\s*[\"']\w", code):
            problem(f"{py.relative_to(TOP)}:{n}: a value->name table (use dw_enum_name)")
    for alias, ctype in LITERALS.items():
        m = re.search(alias + r"\s*=\s*Literal\[([^\]]*)\]", text)
        if m:
            hinted = set(re.findall(r"[\"']([^\"']+)[\"']", m.group(1)))
            if hinted != set(names_of.get(ctype) or []):
                problem(f"{py.relative_to(TOP)}: {alias} {sorted(hinted)} differs from C's {names_of.get(ctype)}")

# ---- PowerShell ---------------------------------------------------------------------------------------
all_names = {ctype: {n.lower() for n in names if n} for ctype, names in names_of.items() if names and all(names)}
for ps in sorted((TOP / "bindings" / "powershell").rglob("*.psm1")):
    for n, line in enumerate(ps.read_text(encoding="utf-8").splitlines(), 1):
        code = line.split("#", 1)[0]
        if re.search(r"\.(Errno|Win32Code)\s+-(eq|ne|in|notin)\s+\d", code):
            problem(f"{ps.relative_to(TOP)}:{n}: raw errno / Win32 comparison (ask the C# layer)")
        if re.search(r"-(eq|ne|lt|le|gt|ge|in|notin|contains)\s+(?!(0|1)\b)(\d|0x)", code, re.I):
            problem(f"{ps.relative_to(TOP)}:{n}: compares with a number (ask the C# layer, which asks C)")
        if re.search(r"^\s*\d+\s*\{|\{\s*\$_\s*-(eq|ne|lt|le|gt|ge)\s", code):
            problem(f"{ps.relative_to(TOP)}:{n}: a switch over numbers (a table C owns?)")
        if re.search(r"ValidateRange\(\s*\d+\s*,\s*\d+\s*\)", code):
            problem(f"{ps.relative_to(TOP)}:{n}: a literal range (the library's; ValidateScript through the C# layer)")
        m = re.search(r"ValidateSet\(([^)]*)\)", code)
        if m:
            values = {v.lower() for v in re.findall(r"'([^']*)'", m.group(1))}
            for ctype, names in all_names.items():
                if values and values <= names | {"se", "2016", "2019"}:
                    problem(f"{ps.relative_to(TOP)}:{n}: ValidateSet copies {ctype}'s names (use the enum type)")

# ---- ranges dw_drop_options_check() owns ---------------------------------------------------------------
RANGES = [r"\bDW_RETRY_MAX_LIMIT\b", r"\b60000\b", r"\b3600000\b", r"\b0o7777\b", r"\b07777\b"]
for f in sorted(list((TOP / "bindings").rglob("*.py")) + list((TOP / "bindings").rglob("*.cs")) +
                list((TOP / "bindings").rglob("*.psm1"))):
    for n, line in enumerate(f.read_text(encoding="utf-8").splitlines(), 1):
        code = re.split(r"#|//", line, 1)[0]
        for r in RANGES:
            if re.search(r, code):
                problem(f"{f.relative_to(TOP)}:{n}: an option range C owns ({r}; dw_drop_options_check)")

# ---- buffer loops, HRESULT arithmetic, defaults C owns --------------------------------------------------
SOURCES = sorted(p for p in (TOP / "bindings").rglob("*")
                 if p.suffix in (".i", ".py", ".cs", ".psm1") and p.name != "gen-enums.py")
CODE_RULES = [
    (r"DW_E_BUFFER\s*&&|&&\s*\(?\w+\s*==\s*DW_E_BUFFER|(dw_status|_native)\.DW_E_BUFFER",
     "retries a call on DW_E_BUFFER (call the dw_*_alloc variant)"),
    (r"\brealloc\s*\(", "grows a buffer (call the dw_*_alloc variant)"),
    (r"new\s+byte\s*\[\s*\(int\)\s*needed|bytearray\(\s*needed", "sizes a buffer from *needed (call the dw_*_alloc variant)"),
    (r"0x8007|0xFFFF0000|0x80070000", "HRESULT arithmetic (dw_win32_from_hresult / dw_hresult_from_win32)"),
    (r"\b0\s*,\s*23\b|\b23\s*\)", "the syslog facility range (DW_SYSLOG_FACILITY_MAX)"),
    (r"(SettleMilliseconds|IncompleteAfterSeconds|ClaimTtlSeconds|settle_ms|incomplete_after|claim_ttl)\w*"
     r"[^=\n]*=\s*\d", "a pickup default (dw_pickup_options_init)"),
    (r"SyslogFacility\s*(\{[^}]*\})?\s*=\s*\d", "the syslog facility default (dw_alert_init)"),
    (r"""(StartsWith|startswith)\(\s*["']/["']""", "guesses the path style from the root (dw_resolve_style)"),
]
for f in SOURCES:
    in_c_comment = False
    for n, line in enumerate(f.read_text(encoding="utf-8").splitlines(), 1):
        code = line
        if f.suffix == ".i":  # C: drop /* */ comments, also across lines
            if in_c_comment:
                if "*/" not in code:
                    continue
                code, in_c_comment = code.split("*/", 1)[1], False
            code = re.sub(r"/\*.*?\*/", "", code)
            if "/*" in code:
                code, in_c_comment = code.split("/*", 1)[0], True
        code = re.split(r"#|//" if f.suffix != ".i" else r"//", code, 1)[0]
        for rule, why in CODE_RULES:
            if re.search(rule, code):
                problem(f"{f.relative_to(TOP)}:{n}: {why}")

# ---- defaults and limits the public headers own (copied literals in bindings/ or src/) ---------------------
# Each DW_ macro below is the library's value; a binding or the CLI reads it (SWIG constant, CLI_STR in a
# help text) and never writes the number itself. Values are read from the headers, so a changed default
# needs no change here.
OWNED = ["DW_STALE_AGE_DEFAULT_SECONDS", "DW_THROTTLE_DEFAULT_SECONDS", "DW_THROTTLE_MAX_SECONDS",
         "DW_SYSLOG_FACILITY_DEFAULT", "DW_SYSLOG_FACILITY_MAX", "DW_RETRY_MAX_DEFAULT", "DW_RETRY_MAX_LIMIT",
         "DW_LOCK_TIMEOUT_DEFAULT_MS", "DW_PICKUP_SETTLE_DEFAULT_MS", "DW_PICKUP_INCOMPLETE_DEFAULT_SECONDS",
         "DW_PICKUP_CLAIM_TTL_DEFAULT_SECONDS", "DW_PICKUP_WAIT_DEFAULT_MS"]
header_text = "\n".join(h.read_text(encoding="utf-8") for h in sorted((TOP / "include" / "dropwatch").glob("*.h")))
owned = {}
for name in OWNED:
    m = re.search(r"^#define\s+" + name + r"\s+(\d+)[uU]?\s*$", header_text, re.M)
    if not m:
        problem(f"include/dropwatch: {name} is not defined as a plain number")
    else:
        owned[name] = int(m.group(1))
# Values distinctive enough that the bare number is a copy wherever it appears (1000 ms-per-second, 16,
# 23, 4 and 32 are too common: they are caught in context below).
DISTINCTIVE = {v for v in owned.values() if v >= 100 and v != 1000}
# Where a bare distinctive number means something else, with the reason.
NOT_A_COPY = {("src/cli_progress.c", 3600): "hours in an h:mm:ss clock"}
ASSIGN = r"(?<![!<>=])=(?!=)\s*"  # an assignment or default value, not a comparison
CONTEXT_RULES = [
    (r"(stale_?age|max_?age|StaleAge|OlderThan|maxAge)\w*[^=\n]*" + ASSIGN + r"\d",
     "a stale-age default (DW_STALE_AGE_DEFAULT_SECONDS)"),
    (r"FromHours\(\s*1\s*\)", "a stale-age default of one hour (DW_STALE_AGE_DEFAULT_SECONDS)"),
    (r"dw_drop_(health|sweep)\([^;]*,\s*\d+u?\s*,", "a literal stale age (DW_STALE_AGE_DEFAULT_SECONDS)"),
    (r"31\s*\*\s*24", "the throttle window limit (DW_THROTTLE_MAX_SECONDS)"),
    (r"(Window\w*|window)\s*(\{[^}]*\})?\s*" + ASSIGN + r"\d", "the throttle window default (DW_THROTTLE_DEFAULT_SECONDS)"),
    (r"\b0\s*,\s*23\b|\b23\s*\)|\b16\s*\*\s*8\b|facility\w*\s*" + ASSIGN + r"\d",
     "the syslog facility range or default (DW_SYSLOG_FACILITY_MAX / DW_SYSLOG_FACILITY_DEFAULT)"),
    (r"(retry_max|RetryMax|retries)\w*\s*(:\s*\w+\s*)?" + ASSIGN + r"[1-9]", "a retry default (DW_RETRY_MAX_DEFAULT)"),
    (r"pickup_wait\([^,]+,\s*\d|\.Wait\(\s*\[?TimeSpan\]?(::|\.)From\w+\(\s*\d|poll_ms[^=\n]*" + ASSIGN + r"\d",
     "a pickup wait default (DW_PICKUP_WAIT_DEFAULT_MS)"),
]


def code_lines(f):
    """(number, code) of a source file without its comments; string literals stay (help texts count)."""
    c_like = f.suffix in (".c", ".h", ".i", ".cs")
    in_block = False
    for n, line in enumerate(f.read_text(encoding="utf-8").splitlines(), 1):
        code = line
        if c_like:
            if in_block:
                if "*/" not in code:
                    yield n, ""  # keeps the numbering for the whole-file rules
                    continue
                code, in_block = code.split("*/", 1)[1], False
            code = re.sub(r"/\*.*?\*/", "", code)
            if "/*" in code:
                code, in_block = code.split("/*", 1)[0], True
            code = code.split("//", 1)[0] if not re.search(r"\"[^\"]*//", code) else code
        else:
            code = code.split("#", 1)[0]
        yield n, code


DEFAULT_SOURCES = sorted(
    [p for p in (TOP / "bindings").rglob("*") if p.suffix in (".i", ".py", ".cs", ".psm1") and p.name != "gen-enums.py"
     and "generated" not in p.parts] +
    [p for p in (TOP / "src").rglob("*") if p.suffix in (".c", ".h")])
for f in DEFAULT_SOURCES:
    rel = f.relative_to(TOP).as_posix()
    for n, code in code_lines(f):
        for name, value in owned.items():
            if re.search(r"\bdefault\W{0,3}" + str(value) + r"\b", code, re.I):
                problem(f"{rel}:{n}: says 'default {value}' ({name}: print the macro)")
        for value in DISTINCTIVE:
            if re.search(r"(?<![\w.])" + str(value) + r"[uUlL]*\b", code) and (rel, value) not in NOT_A_COPY:
                names = [k for k, v in owned.items() if v == value]
                problem(f"{rel}:{n}: the number {value} ({', '.join(names)}: read the library's value)")
        for rule, why in CONTEXT_RULES:
            if re.search(rule, code, re.I):
                problem(f"{rel}:{n}: {why}")

# ---- name -> value of errno and Win32 codes is the library's (dw_errno_from_name / dw_win32_from_name) ----
SCAN = re.compile(r"for\s*\([^)]*\)\s*\{[^}]*\b(dw_errno_name|dw_win32_name|ErrnoName|Win32Name)\s*\("
                  r"[^}]*(strcmp|strcasecmp|Equals|==\s*name)", re.S)
for f in DEFAULT_SOURCES:
    for m in SCAN.finditer("\n".join(code for _, code in code_lines(f))):
        n = m.string.count("\n", 0, m.start()) + 1
        problem(f"{f.relative_to(TOP).as_posix()}:{n}: scans {m.group(1)} for a name "
                "(dw_errno_from_name / dw_win32_from_name)")

print(f"check_tables: {len(headers)} C enums, {len(problems)} problem(s)")
sys.exit(1 if problems else 0)
