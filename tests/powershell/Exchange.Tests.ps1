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
        $script:files = @(Get-ChildItem -LiteralPath $env:DW_MODULE -Recurse -Include *.ps1, *.psm1, *.psd1 |
            ForEach-Object { @{ File = $_.FullName; Leaf = $_.Name } })
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
        $m = Import-PowerShellDataFile (Join-Path $env:DW_MODULE 'DropWatch.psd1')
        $m.CompatiblePSEditions | Should -Be @('Core')
    }
}
