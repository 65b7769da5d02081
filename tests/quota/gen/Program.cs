// SPDX-License-Identifier: MIT
// Generates the ByteQuantifiedSize formatting table (bytes TAB text) with the real .NET formatter.
// The rule is Exchange's (decompiled ByteQuantifiedSize.ToString): the largest unit among TB, GB, MB, KB
// whose whole count (bytes >> 40/30/20/10) is non-zero, else B; the quotient as a double formatted "G4"
// with the invariant culture; then " (" + the byte count formatted "N0" + " bytes)".
using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text.RegularExpressions;

static class Program
{
    static readonly string[] Units = { "B", "KB", "MB", "GB", "TB" };

    static string Format(ulong bytes)
    {
        int u = 0;
        for (int k = 4; k >= 1; k--)
            if ((bytes >> (10 * k)) != 0) { u = k; break; }
        double v = (double)bytes / (double)(1UL << (10 * u));
        CultureInfo inv = CultureInfo.InvariantCulture;
        return v.ToString("G4", inv) + " " + Units[u] + " (" + bytes.ToString("N0", inv) + " bytes)";
    }

    // Exchange's parse as exchange.md describes it: trimmed; "unlimited"; a number of at most 15
    // characters ending in a digit (.NET Float | AllowThousands: decimals, thousands separators, exponent);
    // then an optional space and a unit B/KB/MB/GB/TB (any case); then optionally " (N bytes)", whose N
    // wins. A bare number is bytes. The fraction of a byte is cut off (the conversion to ulong).
    static string Parse(string s)
    {
        CultureInfo inv = CultureInfo.InvariantCulture;
        s = s.Trim();
        if (string.Equals(s, "unlimited", StringComparison.OrdinalIgnoreCase))
            return "unlimited";
        Match m = Regex.Match(s, @"^(?<num>[0-9.,][0-9.,eE+\-]{0,13}[0-9]|[0-9])(?: ?(?<unit>[KMGT]?B))?(?: ?\((?<bytes>[0-9,]+) bytes\))?$",
                              RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);
        if (!m.Success)
            return "reject";
        if (m.Groups["bytes"].Success)
            return ulong.TryParse(m.Groups["bytes"].Value, NumberStyles.AllowThousands, inv, out ulong n)
                ? n.ToString(inv) : "reject";
        if (!double.TryParse(m.Groups["num"].Value, NumberStyles.Float | NumberStyles.AllowThousands, inv, out double d))
            return "reject";
        int shift = 0;
        switch (m.Groups["unit"].Success ? m.Groups["unit"].Value.ToUpperInvariant() : "B") {
            case "KB": shift = 10; break;
            case "MB": shift = 20; break;
            case "GB": shift = 30; break;
            case "TB": shift = 40; break;
        }
        double v = d * (double)(1UL << shift);
        if (!(v >= 0) || v >= 18446744073709551616.0)
            return "reject";
        return ((ulong)v).ToString(inv);
    }

    static readonly string[] ParseInputs = {
        "unlimited", "Unlimited", "UNLIMITED", "  unlimited\t", "unlimitedx", "unlimited 5", "un limited",
        "1", "007", "1048576", "10,485,760", "1,000", "1,0000", "1,,2", ",5", "1,", "123,456,789,012",
        "1234567890123456", "123456789012345", "9223372036854775808",
        "10MB", "10 MB", "10 mb", "10 Mb", "10  MB", "10\tMB", "  10 MB  ", "512 B", "512B", "512 bytes",
        "2 KB", "2kb", "3 GB", "1 TB", "1.5 GB", "1.5GB", "0.5 KB", "1.25 KB", "1.001 KB", "1,234.5 KB",
        "1.5 B", "1.5", ".5 KB", "5. KB", "1.999999999999 B", "1.9999999999999999 B",
        "1E3", "1e3 KB", "1.5E+2 MB", "2E-1 KB", "1E", "1E+ MB", "1e-400 KB", "1E20",
        "10 MB (10,485,760 bytes)", "10MB (10,485,760 bytes)", "10 MB(10,485,760 bytes)",
        "  10 MB ( 10,485,760 bytes )  ", "9.766 KB (10,000 bytes)", "1024 KB (1,048,575 bytes)",
        "2 GB (2,147,483,648 bytes)", "1.5 GB (1610612736 bytes)", "512 B (512 bytes)", "10485760 (10,485,760 bytes)",
        "10 MB (10,485,760 Bytes)", "10 MB (10,485,760 bytes", "10 MB (bytes)", "10 MB (0 bytes)",
        "", "   ", "abc", "-5", "-1 MB", "+5", "0", "0 MB", "0.0 GB", "10 MBx", "10 XB", "10 M", "10 K B",
        "MB", "1..5 MB", "1.5.5 MB", "0x10", "1 0 MB", "8388608 TB", "16777216 TB", "2147483647 MB",
        "2,147,483,647 MB", "2147483648 MB", "1.678E+07 TB", "1E+04 TB", "99999999999999 TB",
    };

    static void Main(string[] args)
    {
        if (args.Length > 0 && args[0] == "parse") {
            foreach (string s in ParseInputs)
                Console.Write(s.Replace("\t", "\\t") + "\t" + Parse(s) + "\n");
            return;
        }
        var set = new SortedSet<ulong>();
        void Add(double d) { if (d >= 1 && d < 1.8e19) set.Add((ulong)d); }
        for (int s = 0; s <= 60; s += 10) {
            ulong unit = 1UL << s;
            foreach (ulong k in new ulong[] { 1, 2, 3, 5, 7, 9, 10, 11, 99, 100, 101, 512, 999, 1000, 1001, 1023 })
                if (s <= 50 || k < 16) set.Add(k * unit);
            set.Add(unit - 1); set.Add(unit + 1);
            // rounding cases: quotients just below and above the fourth significant digit's half
            foreach (double q in new double[] { 1.0004, 1.0005, 1.00049, 1.00051, 1.2345, 1.23449, 1.23451,
                                                9.9994, 9.9995, 9.99951, 99.994, 99.995, 99.996, 999.94, 999.95,
                                                999.96, 1000.4, 1000.5, 1000.6, 1023.4, 1023.5, 1023.6, 1023.99,
                                                3.14159, 2.71828, 12.345, 123.45, 0.5 })
                Add(q * unit);
        }
        // exact halves: k + 0.5 units (a tie at the fourth digit when k has four digits)
        foreach (int s in new[] { 10, 20, 30, 40 })
            foreach (ulong k in new ulong[] { 1000, 1001, 1002, 1003, 1022, 1023, 100, 101 })
                set.Add((k << s) + (1UL << (s - 1)));
        // DropDirectoryQuota range ends and common settings
        set.Add(1048576UL); set.Add(2147483647UL << 20); set.Add(10485760UL); set.Add(10000UL); set.Add(1048575UL);
        set.Add(512UL); set.Add(1536UL); set.Add(1UL);
        // TB counts of five digits and more: G4 switches to exponent notation
        foreach (ulong k in new ulong[] { 9999, 10000, 10001, 12345, 99999, 100000, 1048575, 16777215 })
            set.Add(k << 40);
        set.Add(ulong.MaxValue); set.Add(ulong.MaxValue - 1); set.Add(1UL << 63); set.Add((1UL << 53) + 1);
        set.Add(9007199254740993UL); set.Add(123456789012345UL);
        set.Remove(0); // 0 is not a size: libdropwatch's "unlimited"
        foreach (ulong b in set)
            Console.Write(b.ToString(CultureInfo.InvariantCulture) + "\t" + Format(b) + "\n");
    }
}
