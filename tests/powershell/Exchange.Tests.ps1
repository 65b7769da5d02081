# SPDX-License-Identifier: MIT
# The Exchange pipeline as admins type it, with objects shaped like the real cmdlets' output, and the
# PowerShell-7-only syntax check of the module's scripts (Windows PowerShell 5.1 compatibility by construction).
BeforeAll {
    Import-Module $env:DW_MODULE -Force
    # Get-ForeignConnector's output: the real property names and types (DropDirectoryQuota is an
    # Unlimited<ByteQuantifiedSize>, whose ToString() is '10 MB (10,485,760 bytes)' or 'Unlimited').
    function New-Connector([string] $Name, [string] $DropDirectory, [string] $Quota = 'Unlimited') {
        $q = [pscustomobject]@{ Text = $Quota }
        $q | Add-Member -MemberType ScriptMethod -Name ToString -Force -Value { $this.Text }
        [pscustomobject]@{
            PSTypeName             = 'Microsoft.Exchange.Data.Directory.SystemConfiguration.ForeignConnector'
            Name                   = $Name
            DropDirectory          = $DropDirectory
            DropDirectoryQuota     = $q
            SourceTransportServers = @('HUB01')
            Enabled                = $true
        }
    }
}

Describe 'Get-ForeignConnector | Test-DropDirectory' {
    It 'checks DropDirectory, not Name' {
        $r = New-Connector -Name 'X400' -DropDirectory 'X400\Out' | Test-DropDirectory
        $r.IsValid | Should -BeFalse
        $r.Reason | Should -Be 'Separator'
        $r.Name | Should -Be 'X400\Out'
    }

    It 'passes a valid DropDirectory whatever the Name' {
        $r = New-Connector -Name 'Fax\Gateway' -DropDirectory 'Fax' | Test-DropDirectory
        $r.IsValid | Should -BeTrue
    }

    It 'tests every connector of the pipeline' {
        $r = @(New-Connector 'A' 'Drop'; New-Connector 'B' 'CON'; New-Connector 'C' '..') | Test-DropDirectory -Quiet
        $r | Should -Be @($true, $false, $false)
    }

    It 'still takes -Name as an alias' {
        (Test-DropDirectory -Name 'Drop').IsValid | Should -BeTrue
    }
}

Describe 'Windows PowerShell 5.1 syntax' {
    BeforeDiscovery {
        # DW_MODULE names the module folder or its manifest
        $dir = if (Test-Path -LiteralPath $env:DW_MODULE -PathType Leaf) { Split-Path -Parent $env:DW_MODULE } else { $env:DW_MODULE }
        $script:files = @(Get-ChildItem -Path (Join-Path $dir '*') -Recurse -Include *.ps1, *.psm1, *.psd1 |
            ForEach-Object { @{ File = $_.FullName; Leaf = $_.Name } })
    }

    It 'finds the module scripts' {
        $files.Leaf | Should -Contain 'DropWatch.psm1'
        $files.Leaf | Should -Contain 'DropWatch.psd1'
    }

    It 'parses <Leaf> without PowerShell-7-only syntax' -ForEach $files {
        $tokens = $null
        $errors = $null
        $ast = [System.Management.Automation.Language.Parser]::ParseFile($File, [ref]$tokens, [ref]$errors)
        $errors | Should -BeNullOrEmpty
        $found = [System.Collections.Generic.List[string]]::new()
        $nodes = $ast.FindAll({ $true }, $true)
        foreach ($n in $nodes) {
            $line = "$($n.Extent.StartLineNumber): $($n.Extent.Text)"
            if ($n -is [System.Management.Automation.Language.TernaryExpressionAst]) { $found.Add("ternary ? : at $line") }
            elseif ($n -is [System.Management.Automation.Language.PipelineChainAst]) { $found.Add("pipeline chain && / || at $line") }
            elseif ($n -is [System.Management.Automation.Language.BinaryExpressionAst] -and
                    $n.Operator -eq [System.Management.Automation.Language.TokenKind]::QuestionQuestion) { $found.Add("?? at $line") }
            elseif ($n -is [System.Management.Automation.Language.AssignmentStatementAst] -and
                    $n.Operator -eq [System.Management.Automation.Language.TokenKind]::QuestionQuestionEquals) { $found.Add("??= at $line") }
            elseif ($n -is [System.Management.Automation.Language.MemberExpressionAst] -and $n.NullConditional) { $found.Add("?. at $line") }
            elseif ($n -is [System.Management.Automation.Language.IndexExpressionAst] -and $n.NullConditional) { $found.Add("?[] at $line") }
            elseif ($n -is [System.Management.Automation.Language.ScriptBlockAst] -and $n.CleanBlock) { $found.Add("clean block at $line") }
            elseif ($n -is [System.Management.Automation.Language.CommandAst] -and
                    $n.GetCommandName() -in 'ForEach-Object', 'foreach', '%' -and
                    @($n.CommandElements | Where-Object { $_ -is [System.Management.Automation.Language.CommandParameterAst] -and
                        'Parallel'.StartsWith($_.ParameterName, [StringComparison]::OrdinalIgnoreCase) -and $_.ParameterName.Length -ge 2 }).Count) {
                $found.Add("ForEach-Object -Parallel at $line")
            }
        }
        $found | Should -BeNullOrEmpty -Because 'Windows PowerShell 5.1 cannot parse it'
    }

    It 'finds each kind of PowerShell-7-only syntax (self-check of the scanner)' {
        $samples = @('$a ? 1 : 2', '$a ?? 1', '$a ??= 1', '${a}?.b', 'a && b', 'a || b',
                     '1..2 | ForEach-Object -Parallel { $_ }', 'function f { clean { } }')
        foreach ($s in $samples) {
            $ast = [System.Management.Automation.Language.Parser]::ParseInput($s, [ref]$null, [ref]$null)
            $hit = $ast.Find({ param($n)
                $n -is [System.Management.Automation.Language.TernaryExpressionAst] -or
                $n -is [System.Management.Automation.Language.PipelineChainAst] -or
                ($n -is [System.Management.Automation.Language.BinaryExpressionAst] -and $n.Operator -eq 'QuestionQuestion') -or
                ($n -is [System.Management.Automation.Language.AssignmentStatementAst] -and $n.Operator -eq 'QuestionQuestionEquals') -or
                ($n -is [System.Management.Automation.Language.MemberExpressionAst] -and $n.NullConditional) -or
                ($n -is [System.Management.Automation.Language.ScriptBlockAst] -and $n.CleanBlock) -or
                ($n -is [System.Management.Automation.Language.CommandParameterAst] -and $n.ParameterName -eq 'Parallel')
            }, $true)
            $hit | Should -Not -BeNullOrEmpty -Because "'$s' is PowerShell-7-only"
        }
    }

    It 'does not claim the Desktop edition' {
        $m = Import-PowerShellDataFile (Get-Module DropWatch).Path.Replace('.psm1', '.psd1')
        $m.CompatiblePSEditions | Should -Be @('Core')
    }
}

Describe 'Resolve-DropPath | Write-DropMessage' {
    BeforeEach {
        $script:root = Join-Path ([System.IO.Path]::GetTempPath()) ("dwps-" + [guid]::NewGuid().ToString('N'))
        $null = New-Item -ItemType Directory -Path (Join-Path $root 'Drop')
        $script:msg = "Subject: pipeline`r`n`r`nbody`r`n"
    }
    AfterEach {
        Remove-Item -LiteralPath $root -Recurse -Force -ErrorAction SilentlyContinue
    }

    It 'binds the resolved path by property name' {
        $w = Resolve-DropPath -Root $root -DropDirectory 'Drop' | Write-DropMessage -InputObject $msg
        $w.DropDirectory | Should -Be (Join-Path $root 'Drop')
        Get-Content -Raw -LiteralPath $w.FullName | Should -Be $msg
    }

    It 'writes to every directory the pipeline names' {
        $null = New-Item -ItemType Directory -Path (Join-Path $root 'Fax')
        $w = 'Drop', 'Fax' | Resolve-DropPath -Root $root | Write-DropMessage -InputObject $msg
        $w.Count | Should -Be 2
        ($w.DropDirectory | Split-Path -Leaf) | Should -Be @('Drop', 'Fax')
    }

    It 'writes nothing with -WhatIf' {
        $w = Write-DropMessage -Path (Join-Path $root 'Drop') -InputObject $msg -WhatIf
        $w | Should -BeNullOrEmpty
        @(Get-ChildItem -LiteralPath (Join-Path $root 'Drop')).Count | Should -Be 0
    }

    It 'supports -Confirm:$false' {
        $w = Write-DropMessage -Path (Join-Path $root 'Drop') -InputObject $msg -Confirm:$false
        $w.Name | Should -Match '\.eml$'
    }

    It 'resolves a relative path against the current location' {
        Push-Location $root
        try { $w = Write-DropMessage -Path 'Drop' -InputObject $msg }
        finally { Pop-Location }
        $w.DropDirectory | Should -Be (Join-Path $root 'Drop')
    }

    It 'follows a PSDrive to its file-system target' {
        $null = New-PSDrive -Name DWDrops -PSProvider FileSystem -Root $root -Scope Global
        try { $w = Write-DropMessage -Path 'DWDrops:\Drop' -InputObject $msg }
        finally { Remove-PSDrive -Name DWDrops -Scope Global }
        $w.DropDirectory | Should -Be (Join-Path $root 'Drop')
        Test-Path -LiteralPath $w.FullName | Should -BeTrue
    }
}

Describe 'Get-ForeignConnector | Resolve-DropPath -TransportService' {
    BeforeAll {
        # Get-TransportService's output (AdminDisplayVersion is a ServerVersion: 'Version 15.1 (Build 2507.6)').
        function New-TransportService([string] $Name, [string] $Root, [string] $Version) {
            [pscustomobject]@{
                PSTypeName            = 'Microsoft.Exchange.Data.Directory.SystemConfiguration.TransportServerPresentationObject'
                Name                  = $Name
                RootDropDirectoryPath = $Root
                AdminDisplayVersion   = [pscustomobject]@{ Text = $Version } |
                    Add-Member -MemberType ScriptMethod -Name ToString -Force -Value { $this.Text } -PassThru
            }
        }
    }

    It "joins each connector with its server's root" {
        $hub = New-TransportService 'HUB01' 'D:\Exchange\' 'Version 15.1 (Build 2507.6)'
        $r = New-Connector 'Fax' 'Fax' | Resolve-DropPath -TransportService $hub
        $r.Path | Should -Be 'D:\Exchange\Fax'
        $r.TransportService | Should -Be 'HUB01'
    }

    It "picks the install folder from the server's version when its root is blank" {
        $e2010 = New-TransportService 'HUB01' '' 'Version 14.3 (Build 123.4)'
        (New-Connector 'Fax' 'Fax' | Resolve-DropPath -TransportService $e2010).Path |
            Should -Be 'C:\Program Files\Microsoft\Exchange Server\V14\Fax'
        $e2019 = New-TransportService 'HUB01' '' 'Version 15.2 (Build 1118.7)'
        (New-Connector 'Fax' 'Fax' | Resolve-DropPath -TransportService $e2019).Path |
            Should -Be 'C:\Program Files\Microsoft\Exchange Server\V15\Fax'
    }

    It "chooses the connector's source server among several" {
        $servers = @((New-TransportService 'HUB01' 'D:\One\' 'Version 15.1'), (New-TransportService 'HUB02' 'E:\Two\' 'Version 15.1'))
        $c = New-Connector 'Fax' 'Fax'
        $c.SourceTransportServers = @('HUB02')
        ($c | Resolve-DropPath -TransportService $servers).Path | Should -Be 'E:\Two\Fax'
        $c.SourceTransportServers = @('EDGE9')
        $r = $c | Resolve-DropPath -TransportService $servers -ErrorAction SilentlyContinue -ErrorVariable errs
        $r | Should -BeNullOrEmpty
        $errs[0].FullyQualifiedErrorId | Should -Match 'DropWatch.NoTransportService'
    }

    It 'says which default it assumed without a server' {
        $r = New-Connector 'Fax' 'Fax' | Resolve-DropPath -WarningVariable w -WarningAction SilentlyContinue
        $r.Path | Should -Be 'C:\Program Files\Microsoft\Exchange Server\Fax'
        "$w" | Should -Match 'Exchange2007'
        $null = New-Connector 'Fax' 'Fax' | Resolve-DropPath -ExchangeVersion Exchange2013 -WarningVariable w2
        $w2 | Should -BeNullOrEmpty
    }
}

Describe 'Table views (DropWatch.format.ps1xml)' {
    It 'defines a view for <_>' -ForEach @('DropWatch.ResolvedDropPath', 'DropWatch.DropPathExplanation',
                                           'DropWatch.DropNameCheck', 'DropWatch.WrittenMessage') {
        Get-FormatData -TypeName $_ | Should -Not -BeNullOrEmpty
    }

    It 'shows one line per result with the chosen columns' {
        $text = @('Drop', 'a\b') | Test-DropDirectory | Out-String -Width 200
        $lines = @($text -split "`n" | Where-Object { $_.Trim() })
        $lines[0] | Should -Match '^Name\s+IsValid\s+Reason\s+Message'
        $lines.Count | Should -Be 4   # header, rule, two rows
        $lines[3] | Should -Match '^a\\b\s+False\s+Separator'
    }

    It 'shows the final directory of an explanation' {
        $text = Resolve-DropPath -Root 'D:' -DropDirectory 'Fax' -Explain | Out-String -Width 200
        $text | Should -Match 'FinalDirectory'
        $text | Should -Match 'D:Fax\s+D:\\Fax'
    }
}
