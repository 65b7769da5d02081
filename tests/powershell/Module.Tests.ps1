# SPDX-License-Identifier: MIT
# The module itself: manifest, exports, conventions and help.
BeforeAll {
    Import-Module $env:DW_MODULE -Force
    $script:expected = @('Format-DropAlert', 'Get-DropIOClass', 'Receive-DropMessage', 'Remove-DropStaleFile', 'Resolve-DropPath',
                         'Test-DropDirectory', 'Test-DropHealth', 'Write-DropMessage')
}

Describe 'DropWatch module' {
    It 'has a valid manifest listing its functions explicitly' {
        $m = Test-ModuleManifest -Path $env:DW_MODULE
        $m.Version | Should -Be ([version]'0.1.0')
        $m.RequiredAssemblies | Should -Contain 'DropWatch.dll'
        @($m.ExportedFunctions.Keys | Sort-Object) | Should -Be $script:expected
    }

    It 'exports exactly the documented functions' {
        @(Get-Command -Module DropWatch | Sort-Object Name | ForEach-Object Name) | Should -Be $script:expected
    }

    It 'loads the native library beside the assembly' {
        [DropWatch.DropWatchLibrary]::VersionNumber | Should -Be 100
        [DropWatch.DropWatchLibrary]::Version | Should -Be '0.1.0'
    }

    It 'runs in PowerShell 7.6' {
        $PSVersionTable.PSVersion.Major | Should -Be 7
        $PSVersionTable.PSVersion.Minor | Should -Be 6
    }
}

Describe 'Function conventions: <_>' -ForEach @('Format-DropAlert', 'Get-DropIOClass', 'Remove-DropStaleFile',
        'Resolve-DropPath', 'Test-DropDirectory', 'Test-DropHealth', 'Write-DropMessage') {
    BeforeAll {
        $script:cmd = Get-Command $_
        $script:help = Get-Help $_ -Full
    }

    It 'uses an approved verb' {
        (Get-Verb).Verb | Should -Contain $script:cmd.Verb
    }

    It 'is an advanced function (CmdletBinding: -ErrorAction and friends)' {
        $script:cmd.CmdletBinding | Should -BeTrue
        $script:cmd.Parameters.Keys | Should -Contain 'ErrorAction'
        $script:cmd.Parameters.Keys | Should -Contain 'ErrorVariable'
    }

    It 'takes pipeline input' {
        @($script:cmd.Parameters.Values | Where-Object {
            $_.Attributes | Where-Object { $_ -is [System.Management.Automation.ParameterAttribute] -and
                ($_.ValueFromPipeline -or $_.ValueFromPipelineByPropertyName) } }).Count | Should -BeGreaterThan 0
    }

    It 'has comment-based help with synopsis, description and examples' {
        $script:help.Synopsis | Should -Not -BeNullOrEmpty
        $script:help.Synopsis | Should -Not -Match '^\s*\S+ \[' # not the auto-generated syntax line
        ($script:help.Description | Out-String).Trim() | Should -Not -BeNullOrEmpty
        @($script:help.Examples.Example).Count | Should -BeGreaterThan 0
    }

    It 'documents every parameter' {
        $common = [System.Management.Automation.PSCmdlet]::CommonParameters + [System.Management.Automation.PSCmdlet]::OptionalCommonParameters
        foreach ($p in $script:cmd.Parameters.Keys | Where-Object { $_ -notin $common }) {
            $doc = $script:help.Parameters.Parameter | Where-Object Name -eq $p
            ($doc.Description | Out-String).Trim() | Should -Not -BeNullOrEmpty -Because "parameter -$p needs help"
        }
    }
}

Describe 'A module folder without its native glue' {
    It 'fails to import with a message naming the glue (not a bare TypeInitializationException)' {
        $root = if ($env:DW_TEST_TMPDIR) { $env:DW_TEST_TMPDIR } else { [System.IO.Path]::GetTempPath() }
        $dir = Join-Path $root ('noglue-' + [guid]::NewGuid().ToString('N'))
        $mod = New-Item -ItemType Directory -Path (Join-Path $dir 'DropWatch')
        $src = Split-Path -Parent $env:DW_MODULE
        foreach ($f in 'DropWatch.psd1', 'DropWatch.psm1', 'DropWatch.format.ps1xml', 'DropWatch.dll') { Copy-Item -LiteralPath (Join-Path $src $f) -Destination $mod }
        try {
            $pwsh = (Get-Process -Id $PID).Path
            $cmd = "try { Import-Module '$($mod.FullName)' -ErrorAction Stop; 'imported' } catch { `$_.Exception.Message }"
            if ([System.IO.Path]::GetFileNameWithoutExtension($pwsh) -eq 'dotnet') {
                # pwsh as a .NET tool runs as 'dotnet pwsh.dll': start it the same way.
                $out = & $pwsh ([System.Environment]::GetCommandLineArgs()[0]) -NoProfile -NonInteractive -Command $cmd 2>&1
            }
            else { $out = & $pwsh -NoProfile -NonInteractive -Command $cmd 2>&1 }
            ($out | Out-String) | Should -Match 'dropwatch_csharp'
            ($out | Out-String) | Should -Not -Match 'imported'
        }
        finally { Remove-Item -LiteralPath $dir -Recurse -Force }
    }
}
