# SPDX-License-Identifier: MIT
# Module manifest for DropWatch: libdropwatch for PowerShell (drop directories of Exchange Foreign connectors).
@{
    RootModule           = 'DropWatch.psm1'
    ModuleVersion        = '0.1.0'
    GUID                 = '5b0f4f7e-3a8e-4c47-9d55-6f0d8e0c2a91'
    Author               = 'libdropwatch contributors'
    CompanyName          = 'libdropwatch'
    Copyright            = '(c) libdropwatch contributors. SPDX-License-Identifier: MIT'
    Description          = 'Resolve and validate Exchange Foreign connector drop directories, write message files into them atomically (guarded writes) with classified I/O errors, and format Event 8004 alerts. Uses libdropwatch through its .NET binding.'
    # Core only: Windows PowerShell 5.1 (.NET Framework) does not look for a P/Invoke library beside the
    # assembly, and that path is untested here (doc/csharp-powershell.md). The module's scripts avoid
    # PowerShell-7-only syntax all the same (tests/powershell/Compat.Tests.ps1).
    PowerShellVersion    = '7.2'
    CompatiblePSEditions = @('Core')
    # DropWatch.dll finds its native glue (dropwatch_csharp.so) beside itself in this folder.
    RequiredAssemblies   = @('DropWatch.dll')
    FormatsToProcess     = @('DropWatch.format.ps1xml')
    FunctionsToExport    = @(
        'Resolve-DropPath',
        'Test-DropDirectory',
        'Write-DropMessage',
        'Format-DropAlert',
        'Get-DropIOClass',
        'Test-DropHealth',
        'Remove-DropStaleFile',
        'Receive-DropMessage'
    )
    CmdletsToExport      = @()
    VariablesToExport    = @()
    AliasesToExport      = @()
    PrivateData          = @{
        PSData = @{
            Tags       = @('Exchange', 'ForeignConnector', 'DropDirectory', 'Event8004', 'Linux')
            ProjectUri = 'https://example.invalid/libdropwatch'
            LicenseUri = 'https://spdx.org/licenses/MIT.html'
        }
    }
}
