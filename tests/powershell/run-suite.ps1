# SPDX-License-Identifier: MIT
# Runs one Pester suite in this (fresh) pwsh process and prints "<suite>: N passed, N failed".
# Exit status: 0 when everything passed, 1 otherwise (including failures outside tests, e.g. in BeforeAll).
param(
    [Parameter(Mandatory)] [string] $Suite,
    [Parameter(Mandatory)] [string] $Module,
    [Parameter(Mandatory)] [string] $Pester
)
$ErrorActionPreference = 'Stop'
$PSStyle.OutputRendering = 'PlainText'
Import-Module $Pester -MinimumVersion 5.0 -Force
$env:DW_MODULE = $Module

$config = New-PesterConfiguration
$config.Run.Path = $Suite
$config.Run.PassThru = $true
$config.Run.Exit = $false
$config.Output.Verbosity = 'Detailed'
$config.Output.RenderMode = 'Plaintext'
$result = Invoke-Pester -Configuration $config

$failed = $result.FailedCount + $result.FailedBlocksCount + $result.FailedContainersCount
"$([System.IO.Path]::GetFileNameWithoutExtension($Suite)): $($result.PassedCount) passed, $failed failed, $($result.SkippedCount) skipped"
if ($failed -gt 0 -or $result.PassedCount -eq 0) { exit 1 }
exit 0
