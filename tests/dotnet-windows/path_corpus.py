#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""The Path.Combine / GetFullPath proof of dw_path_explain (issue 15, point 3).

  path_corpus.py corpus <file>                      write the corpus (root, value, .NET Framework combine)
  path_corpus.py compare <corpus> <oracle> <explain_tool (tests/dotnet-windows/explain_tool.c, built against the library)>

The oracle is the real System.IO.Path of .NET on Windows (tests/dotnet-windows/oracle, self-contained
win-x64 under Wine). Exchange runs on .NET Framework 4.x, whose Path differs from .NET Core's in three ways;
the comparison applies each one explicitly to the oracle's Core result (FRAMEWORK_RULES, with their source),
then requires dw_path_explain() to give exactly that path for every pair, and dw_path_full() (the folder
DirectoryInfo opens: GetFullPath with a fixed current directory) to give the oracle's GetFullPath of it.
Prints "ok: ..." / "FAIL: ..." lines and a closing count.
"""
import subprocess
import sys

# The Exchange service's current directory: fixed, so results never depend on the one Wine started in.
CWD = "C:\\Windows\\System32"
INSTALL_2007 = "C:\\Program Files\\Microsoft\\Exchange Server\\"

# The .NET Framework 4.x rules (Reference Source, mscorlib/system/io/path.cs and pathinternal.cs).
FRAMEWORK_RULES = {
    "invalid-path-chars": "Path.Combine calls CheckInvalidPathChars on both paths: ArgumentException for "
                          "'\"', '<', '>', '|' and characters below U+0020 (path.cs Combine, "
                          "PathInternal.HasIllegalCharacters); .NET Core does not check",
    "colon-rooted": "Path.IsPathRooted is true when path[1] == VolumeSeparatorChar whatever path[0] is "
                    "(path.cs IsPathRooted), so Combine returns the second path; .NET Core wants a drive "
                    "letter before the ':'",
    "volume-no-separator": "Path.CombineNoChecks adds no separator after a first path ending in "
                           "DirectorySeparatorChar, AltDirectorySeparatorChar or VolumeSeparatorChar "
                           "(path.cs CombineNoChecks): D: + Fax is D:Fax; .NET Core gives D:\\Fax",
}
# And GetFullPath's: NotSupportedException for a ':' anywhere but right after a drive letter at the start
# (path.cs GetFullPath via PathInternal.HasInvalidVolumeSeparator, "The given path's format is not
# supported"); \\?\ paths are checked after their prefix.
FULLPATH_RULE = "framework-volume-separator"
# One Wine deviation, applied explicitly too: Wine's GetFullPathNameW reads a path starting with a single
# '/' as a Unix path and puts it on drive Z: (its view of the Unix root); Windows completes a rooted path
# with the current drive, as it does for '\x'.
WINE_RULE = "wine-unix-root"
# Not a Path.Combine rule: Exchange never calls Combine for an empty DropDirectory (shared/exchange.md,
# "Exchange's own transport code": DropDirectory empty -> no write, event 8008), so explain reports no
# drop path and the no-drop-directory warning whatever Combine would have given.
EMPTY_RULE = "empty-drop-directory"

ROOTS = [
    "D:\\Exchange", "D:\\Exchange\\", "D:/Exchange/", "D:/Exchange", "D:", "d:", "C:\\", "D:\\",
    "\\\\hub01\\drops", "\\\\hub01\\drops\\", "\\\\hub01\\drops\\sub", "//hub01/drops/",
    "\\\\?\\D:\\Exchange", "\\\\?\\D:\\Exchange\\", "\\\\?\\UNC\\hub01\\drops",
    "\\Exchange", "\\", "D:Exchange", "D:Exchange\\",
    "d:\\exchange\\", "D:\\Exchange\\Pickup.", "D:\\Exchange\\Pickup ", "D:\\Exchange\\Pickup. .", "D:\\Ex change\\",
    "D:\\a\\..\\Exchange", "D:\\a\\.\\Exchange", "D:\\Exchange\\\\", "D:\\Exchange/sub\\", "D:\\a<b",
    "", "   ",
]
VALUES = [
    "X400", "Fax", "X400\\Out", "X400/Out", "X400\\\\Out", "X400\\.\\Out", "X400\\..\\Y", "..", "..\\Outside",
    "..\\..\\..\\..\\x", ".", ".\\X400", "./X400", "X400.", "X400 ", "X400. .", "X400..", "...", " X400",
    "X400\\", "X400/", "E:\\Other", "E:/Other", "E:", "E:x", "d:x", "\\Rooted", "/Rooted",
    "\\\\srv\\share\\x", "\\\\?\\E:\\x", "1:x", "\u00e9:x", ":x", "a:b", "X400:", "", "   ",
    "a<b", "a|b", "a\"b", "a>b", "tab\there", "ctl\x01", "Out\\Sub. ", "Sub.\\Dir",
]


def pairs():
    for r in ROOTS:
        for v in VALUES:
            yield r, v


def effective_root(root):
    """Exchange (not Path.Combine) replaces a blank RootDropDirectoryPath by its install folder."""
    return INSTALL_2007 if root.strip(" \t\r\n") == "" else root


def invalid_chars(s):
    return any(c in "\"<>|" or ord(c) < 32 for c in s)


def utf16(s):
    return s.encode("utf-16-le")


def framework_rooted(v):
    u = utf16(v)
    return len(u) >= 2 and (v[0] in "\\/" or (len(u) >= 4 and u[2:4] == b":\x00"))


def core_rooted(v):
    return len(v) >= 1 and (v[0] in "\\/" or (len(v) >= 2 and v[1] == ":" and v[0].isascii() and v[0].isalpha()))


def framework_combine(root, value):
    """.NET Framework 4.x Path.Combine, written from its reference source (None: it throws)."""
    if invalid_chars(root) or invalid_chars(value):
        return None
    if value == "":
        return root
    if root == "":
        return value
    if framework_rooted(value):
        return value
    return root + value if root[-1] in "\\/:" else root + "\\" + value


def framework_fullpath_refuses(p):
    body = p[4:] if p.startswith("\\\\?\\") else p
    for i, c in enumerate(body):
        if c == ":" and not (i == 1 and body[0].isascii() and body[0].isalpha()):
            return True
    return False


def write_corpus(path):
    with open(path, "w", encoding="ascii") as f:
        for r, v in pairs():
            fw = framework_combine(effective_root(r), v)
            # the oracle reads the first three columns; the fourth is the configured (maybe blank) root
            f.write("%s\t%s\t%s\t%s\n" % (effective_root(r).encode().hex(), v.encode().hex(),
                                          (fw or "").encode().hex(), r.encode().hex()))


def compare(corpus, oracle, tool):
    # The library is asked through a small C program built against the public header (explain_tool.c),
    # so no struct layout is copied here.
    proc = subprocess.Popen([tool], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    name, bit = proc.stdout.readline().split()
    if name != "combine-fails":
        print("FAIL: %s did not start as expected" % tool)
        return 1
    DW_WARN_COMBINE_FAILS = int(bit)
    name, bit = proc.stdout.readline().split()
    if name != "no-drop-directory":
        print("FAIL: %s did not start as expected" % tool)
        return 1
    DW_WARN_NO_DROP_DIRECTORY = int(bit)

    def ask(op, x, y):
        hx = x.encode().hex() or "-"
        hy = y.encode().hex() or "-"
        proc.stdin.write("%s %s %s\n" % (op, hx, hy))
        proc.stdin.flush()
        st, warnings, path = proc.stdout.readline().split()
        return int(st), bytes.fromhex("" if path == "-" else path).decode("utf-8", "replace"), int(warnings)

    def explain(root, value):
        return ask("E", root, value)

    def full(path):
        st, got, _ = ask("F", path, CWD)
        return st, got

    lines = [l for l in open(corpus, encoding="ascii").read().split("\n") if l]
    results = [l.split("\t") for l in open(oracle, encoding="ascii").read().split("\n") if l]
    passed = failed = 0
    applied = {k: 0 for k in FRAMEWORK_RULES}
    applied[FULLPATH_RULE] = 0
    applied[WINE_RULE] = 0
    applied[EMPTY_RULE] = 0

    def check(ok, what):
        nonlocal passed, failed
        if ok:
            passed += 1
        else:
            failed += 1
            print("FAIL: " + what)

    if len(lines) != len(results):
        print("FAIL: %d corpus pairs but %d oracle results" % (len(lines), len(results)))
        return 1
    for line, res in zip(lines, results):
        _, vh, fh, rh = line.split("\t")
        root, value = bytes.fromhex(rh).decode(), bytes.fromhex(vh).decode()
        eroot = effective_root(root)
        _, combine, fullres = res
        label = "root %r value %r" % (root, value)
        if value == "":
            applied[EMPTY_RULE] += 1
            st, got, warnings = explain(root, value)
            check(st == 0 and got == "" and warnings & DW_WARN_NO_DROP_DIRECTORY,
                  "%s: Exchange writes nothing for an empty DropDirectory (8008); explain gave %r warnings %#x"
                  % (label, got, warnings))
            continue
        # The oracle's Core result, turned into the Framework's by the three rules, each named.
        if invalid_chars(eroot) or invalid_chars(value):
            applied["invalid-path-chars"] += 1
            expected = None
        elif value and framework_rooted(value) and not core_rooted(value):
            applied["colon-rooted"] += 1
            expected = value
        elif value and not core_rooted(value) and eroot[-1] == ":":
            applied["volume-no-separator"] += 1
            core = bytes.fromhex(combine[3:]).decode() if combine.startswith("ok:") else None
            if core != eroot + "\\" + value:
                check(False, "%s: .NET Core gave %r, not the separator the rule removes" % (label, core))
                continue
            expected = eroot + value
        else:
            if not combine.startswith("ok:"):
                check(False, "%s: .NET Core's Path.Combine %s" % (label, combine))
                continue
            expected = bytes.fromhex(combine[3:]).decode()
        # Cross-check: the Framework model written from the reference source agrees with oracle + rules.
        fw = bytes.fromhex(fh).decode() if expected is not None else None
        check(fw == expected, "%s: oracle with the Framework rules gives %r, the reference model %r" % (label, expected, fw))

        st, got, warnings = explain(root, value)
        if expected is None:
            check(st == 0 and warnings & DW_WARN_COMBINE_FAILS,
                  "%s: Framework's Path.Combine throws ArgumentException; explain gave %r warnings %#x" % (label, got, warnings))
            continue
        check(st == 0 and got == expected, "%s: Path.Combine %r, explain %r (status %d)" % (label, expected, got, st))
        check(not warnings & DW_WARN_COMBINE_FAILS, "%s: explain claims Path.Combine throws" % label)

        # The folder DirectoryInfo opens: GetFullPath of the combined path.
        fst, fgot = full(expected)
        if framework_fullpath_refuses(expected):
            applied[FULLPATH_RULE] += 1
            check(fst != 0, "%s: Framework's GetFullPath(%r) throws NotSupportedException; dw_path_full gave %r" % (label, expected, fgot))
            continue
        if not fullres.startswith("ok:"):
            check(False, "%s: GetFullPath(%r) %s on the oracle" % (label, expected, fullres))
            continue
        want = bytes.fromhex(fullres[3:]).decode()
        if expected[:1] == "/" and expected[1:2] not in ("/", "\\") and want.startswith("Z:"):
            applied[WINE_RULE] += 1
            want = CWD[:2] + want[2:]
        check(fst == 0 and fgot == want, "%s: GetFullPath(%r) %r, dw_path_full %r (status %d)" % (label, expected, want, fgot, fst))

    other = {FULLPATH_RULE: "GetFullPath refuses ':' after the drive position (NotSupportedException)",
             WINE_RULE: "Wine completes '/x' with Z: (its Unix root), Windows with the current drive",
             EMPTY_RULE: "Exchange checks an empty DropDirectory before Path.Combine: no write, event 8008"}
    for k, n in applied.items():
        print("rule %s applied to %d pairs: %s" % (k, n, FRAMEWORK_RULES.get(k, other.get(k))))
    print("ok: %d corpus pairs compared" % len(lines) if failed == 0 else "FAIL: %d mismatches in %d pairs" % (failed, len(lines)))
    print("path corpus: %d pairs, %d checks passed, %d failed" % (len(lines), passed, failed))
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "corpus":
        write_corpus(sys.argv[2])
        sys.exit(0)
    if len(sys.argv) == 5 and sys.argv[1] == "compare":
        sys.exit(compare(sys.argv[2], sys.argv[3], sys.argv[4]))
    sys.exit(__doc__)
