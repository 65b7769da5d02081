// SPDX-License-Identifier: MIT
// Consumer test of the DropWatch package: deliver a message, provoke a classified failure, resolve a path.
// Prints one "ok: ..." or "FAIL: ..." line per check and exits 1 on any failure.
//   Consumer <drop directory> <missing directory>
using System;
using System.IO;
using System.Runtime.InteropServices;
using DropWatch;

int failures = 0;
void Check(bool ok, string what)
{
    Console.WriteLine((ok ? "ok: " : "FAIL: ") + what);
    if (!ok) failures++;
}

bool windows = RuntimeInformation.IsOSPlatform(OSPlatform.Windows);
Console.WriteLine("platform: " + RuntimeInformation.OSDescription + ", " + RuntimeInformation.RuntimeIdentifier);

// 1. A message delivered into the drop directory, under its final name, complete.
string dir = args[0], missing = args[1];
string body = "From: a@example.com\r\nTo: b@example.com\r\nSubject: consumer\r\n\r\nhello from the package\r\n";
try
{
    using (var drop = Drop.Open(dir))
    {
        string name = drop.Write(body);
        string file = Path.Combine(dir, name);
        Check(File.Exists(file) && File.ReadAllText(file) == body, "delivered " + name);
    }
}
catch (Exception e)
{
    Check(false, "delivery threw " + e);
}

// 2. A classified failure: the drop directory does not exist. On Windows the native code is
//    ERROR_PATH_NOT_FOUND (3), the native code; on Linux the native code is ENOENT (2), with the Win32
//    equivalent the library derives from it.
try
{
    using (var drop = Drop.Open(missing))
        drop.Write(body);
    Check(false, "a missing drop directory was accepted");
}
catch (DropIOException e)
{
    bool native = windows ? e.Win32Code == 3 : e.Errno == 2;
    Check(e.IOClass == IOClass.Configuration && e is DropConfigurationException && native,
          "classified failure: " + e.GetType().Name + " class=" + e.IOClass + " op=" + e.Operation +
          " win32=" + e.Win32Code + " errno=" + e.Errno);
}
catch (Exception e)
{
    Check(false, "unclassified failure " + e);
}

// 3. A path resolved as Exchange would, and the strict verdict.
var resolved = DropPath.Resolve(@"D:\Exchange\", "X400");
Check(resolved.Path == @"D:\Exchange\X400", "resolved " + resolved.Path);
var explained = DropPath.Explain(@"D:\Exchange", @"..\Outside");
Check(explained.ExchangePath == @"D:\Exchange\..\Outside" &&
      (explained.Warnings & ExplainWarnings.ParentEscape) != 0, "explained " + explained.ExchangePath +
      " [" + explained.Warnings + "]");

var fax = DropPath.Explain("D:", "Fax");
Check(fax.ExchangePath == "D:Fax" && fax.FinalDirectory == @"D:\Fax",
      "final directory " + fax.ExchangePath + " -> " + fax.FinalDirectory);

Console.WriteLine("consumer: " + (failures == 0 ? "all checks passed" : failures + " failed"));
return failures == 0 ? 0 : 1;
