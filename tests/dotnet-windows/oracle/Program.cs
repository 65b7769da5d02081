// SPDX-License-Identifier: MIT
// PathOracle <corpus> <output> <current directory>
// For each corpus line "<root hex>\t<value hex>\t<path hex>" (UTF-8, hex so any character survives),
// writes "<n>\t<combine>\t<full>" where each result is "ok:<hex of UTF-8>" or "throws:<exception type>":
//   combine = Path.Combine(root, value) of this runtime;
//   full    = Path.GetFullPath(path) (path: the .NET Framework's combination, worked out by the test), with
//             the current directory set to <current directory> first, so the result does not depend on the
//             directory (or drive) Wine started in.
using System;
using System.IO;
using System.Text;

static string Hex(string s) => Convert.ToHexString(Encoding.UTF8.GetBytes(s));
static string Unhex(string h) => Encoding.UTF8.GetString(Convert.FromHexString(h));

Directory.CreateDirectory(args[2]);
Directory.SetCurrentDirectory(args[2]);
var output = new StringBuilder();
int n = 0;
foreach (string line in File.ReadAllLines(args[0]))
{
    if (line.Length == 0) continue;
    string[] f = line.Split('\t');
    string root = Unhex(f[0]), value = Unhex(f[1]), path = Unhex(f[2]);
    string combine, full = "throws:none";
    try { combine = "ok:" + Hex(Path.Combine(root, value)); }
    catch (Exception e) { combine = "throws:" + e.GetType().Name; }
    if (path.Length > 0)
    {
        try { full = "ok:" + Hex(Path.GetFullPath(path)); }
        catch (Exception e) { full = "throws:" + e.GetType().Name; }
    }
    output.Append(n++).Append('\t').Append(combine).Append('\t').Append(full).Append('\n');
}
File.WriteAllText(args[1], output.ToString());
Console.WriteLine("oracle: " + n + " pairs, " + Environment.OSVersion + ", .NET " + Environment.Version +
                  ", current directory " + Directory.GetCurrentDirectory());
return 0;
