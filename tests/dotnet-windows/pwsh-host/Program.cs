// SPDX-License-Identifier: MIT
// A PowerShell host without a console: Wine gives the console host no console output buffer when the
// output is redirected ("Invalid handle" 0x6 from ConsoleShell.Start), so this host runs one script in a
// runspace and prints its output and error records itself.
//   PwshHost <script.ps1> [-Name value]...
using System;
using System.Management.Automation;
using System.Management.Automation.Runspaces;

var iss = InitialSessionState.CreateDefault2();
iss.ExecutionPolicy = Microsoft.PowerShell.ExecutionPolicy.Bypass;
// The SDK ships the built-in cmdlets as assemblies but not their module manifests: import them as binary modules.
foreach (string m in new[] { "Microsoft.PowerShell.Commands.Utility", "Microsoft.PowerShell.Commands.Management",
                             "Microsoft.PowerShell.Security" })
    iss.ImportPSModule(new[] { System.IO.Path.Combine(AppContext.BaseDirectory, m + ".dll") });
using var ps = PowerShell.Create(iss);
ps.AddCommand(args[0]);
for (int i = 1; i + 1 < args.Length; i += 2) ps.AddParameter(args[i].TrimStart('-'), args[i + 1]);
ps.AddCommand("Out-String").AddParameter("Stream").AddParameter("Width", 200);
int errors = 0;
ps.Streams.Error.DataAdded += (s, e) => { errors++; Console.Error.WriteLine("error: " + ps.Streams.Error[e.Index]); };
ps.Streams.Information.DataAdded += (s, e) => Console.WriteLine(ps.Streams.Information[e.Index].MessageData);
try
{
    foreach (var o in ps.Invoke()) Console.WriteLine(o);
}
catch (RuntimeException e)
{
    Console.Error.WriteLine("terminated: " + e.Message);
    return 2;
}
// errors a script catches itself set HadErrors but never reach the error stream: only the latter count
return errors == 0 ? 0 : 1;
