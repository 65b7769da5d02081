# SPDX-License-Identifier: MIT
# The DropWatch module on the Windows flavour of PowerShell 7.6 (a Microsoft.PowerShell.SDK host under
# Wine): it must load its Windows glue from its own folder and work through the Exchange pipeline.
# Prints "ok: ..." / "FAIL: ..." lines (a missing leaf folder is ERROR_FILE_NOT_FOUND, 2). module-windows.ps1 -Module <folder> -Drop <folder>
param([Parameter(Mandatory)] [string] $Module, [Parameter(Mandatory)] [string] $Drop)
$ErrorActionPreference = 'Stop'
function Check([bool] $ok, [string] $what) { if ($ok) { "ok: $what" } else { "FAIL: $what" } }

"PowerShell $($PSVersionTable.PSVersion) $($PSVersionTable.PSEdition), IsWindows=$IsWindows"
Import-Module $Module
Check ($IsWindows -and (Get-Module DropWatch)) 'the module imported on Windows'
$e = Resolve-DropPath -Root 'D:' -DropDirectory 'Fax' -Explain
Check ($e.ExchangePath -eq 'D:Fax' -and $e.FinalDirectory -eq 'D:\Fax') "explain: $($e.ExchangePath) -> $($e.FinalDirectory)"
$connector = [pscustomobject]@{ Name = 'X400'; DropDirectory = 'X400\Out'; SourceTransportServers = @('HUB01') }
$t = $connector | Test-DropDirectory
Check (-not $t.IsValid -and "$($t.Reason)" -eq 'Separator') "Test-DropDirectory checks DropDirectory: $($t.Reason)"
$hub = [pscustomobject]@{ Name = 'HUB01'; RootDropDirectoryPath = (Split-Path -Parent $Drop); AdminDisplayVersion = 'Version 15.2 (Build 1118.7)' }
$leaf = Split-Path -Leaf $Drop
$w = [pscustomobject]@{ Name = 'Fax'; DropDirectory = $leaf; SourceTransportServers = @('HUB01') } |
    Resolve-DropPath -TransportService $hub | Write-DropMessage -InputObject "Subject: from Windows PowerShell`r`n`r`nbody`r`n"
Check ($w -and (Test-Path -LiteralPath $w.FullName)) "delivered $($w.Name) through Resolve-DropPath -TransportService | Write-DropMessage"
try {
    Write-DropMessage -Path (Join-Path $Drop 'missing') -InputObject 'x'
    'FAIL: a missing drop directory was accepted'
}
catch {
    $x = $_.Exception
    Check ($x -is [DropWatch.DropConfigurationException] -and $x.Win32Code -eq 2 -and "$($_.CategoryInfo.Category)" -eq 'ObjectNotFound') `
        "classified failure: $($x.GetType().Name) Win32Code=$($x.Win32Code) category=$($_.CategoryInfo.Category)"
}
