# PowerShell module (filled in by the PowerShell issue).
