# SPDX-License-Identifier: MIT
# Receive-DropMessage: objects per message, ack after the pipeline processed them, release on failure.
BeforeAll {
    Import-Module $env:DW_MODULE -Force
    function New-TestDrop {
        $root = if ($env:DW_TEST_TMPDIR) { $env:DW_TEST_TMPDIR } else { [System.IO.Path]::GetTempPath() }
        $p = Join-Path $root ('drop-' + [guid]::NewGuid().ToString('N'))
        $null = New-Item -ItemType Directory -Path $p
        return $p
    }
    function Get-Messages([string] $Path) { @(Get-ChildItem -LiteralPath $Path -Filter '*.eml' -File) }
    function Write-Enveloped([string] $Path, [string] $Body) {
        $env = [DropWatch.Envelope]::new('s@x.example', [string[]]@('r1@y', 'r2@y'))
        $o = [DropWatch.MessageOptions]::new()
        $o.Envelope = $env
        $d = [DropWatch.Drop]::Open($Path)
        try { $d.Write($Body, $o) } finally { $d.Dispose(); $env.Dispose() }
    }
}

Describe 'Receive-DropMessage' {
    BeforeEach { $script:drop = New-TestDrop }
    AfterEach { Remove-Item -LiteralPath $script:drop -Recurse -Force -ErrorAction SilentlyContinue }

    It 'emits one object per message with envelope and body, and acknowledges it' {
        $name = Write-Enveloped $script:drop "Subject: one`r`n`r`nbody`r`n"
        $out = @(Receive-DropMessage -Path $script:drop)
        $out.Count | Should -Be 1
        $out[0].PSObject.TypeNames[0] | Should -Be 'DropWatch.DropMessage'
        $out[0].Name | Should -Be $name
        $out[0].Sender | Should -Be 's@x.example'
        $out[0].Recipients | Should -Be @('r1@y', 'r2@y')
        $out[0].Body | Should -Be "Subject: one`r`n`r`nbody`r`n"
        $out[0].MimeSize | Should -Be 22
        $out[0].Redelivered | Should -BeFalse
        (Get-Messages $script:drop).Count | Should -Be 0
    }

    It 'puts the message back when the pipeline fails' {
        $null = Write-Enveloped $script:drop "Subject: two`r`n`r`n"
        { Receive-DropMessage -Path $script:drop | ForEach-Object { throw 'gateway down' } } | Should -Throw '*gateway down*'
        (Get-Messages $script:drop).Count | Should -Be 1
    }

    It 'stops after -First and leaves the rest; -NoAcknowledge keeps everything' {
        1..3 | ForEach-Object { $null = Write-Enveloped $script:drop "Subject: $_`r`n`r`n" }
        @(Receive-DropMessage -Path $script:drop -NoAcknowledge).Count | Should -Be 3
        (Get-Messages $script:drop).Count | Should -Be 3
        @(Receive-DropMessage -Path $script:drop -First 2).Count | Should -Be 2
        (Get-Messages $script:drop).Count | Should -Be 1
    }

    It 'archives with -ArchiveDirectory' {
        $name = Write-Enveloped $script:drop "Subject: a`r`n`r`n"
        $null = Receive-DropMessage -Path $script:drop -ArchiveDirectory done
        Test-Path -LiteralPath (Join-Path $script:drop "done/$name") | Should -BeTrue
    }

    It 'quarantines a partial Exchange file with a warning and emits nothing' {
        $f = Join-Path $script:drop 'EX01-1-20240501120000Z.Normal.eml'
        [System.IO.File]::WriteAllText($f, "X-sender: <fax@contoso.com>`r`nX-Receiver: <+1555@fax>`r`nX-EndOfInjectedXHeaders: 5000`r`nSubject: cut")
        (Get-Item -LiteralPath $f).LastWriteTimeUtc = [DateTime]::UtcNow.AddHours(-1)
        $out = @(Receive-DropMessage -Path $script:drop -WarningVariable w -WarningAction SilentlyContinue)
        $out.Count | Should -Be 0
        "$w" | Should -BeLike '*Quarantined EX01-1-20240501120000Z.Normal.eml*incomplete*'
        Test-Path -LiteralPath (Join-Path $script:drop '.dwpickup/quarantine/EX01-1-20240501120000Z.Normal.eml') | Should -BeTrue
    }

    It 'writes a classified error for a missing directory' {
        $out = Receive-DropMessage -Path (Join-Path $script:drop 'missing') -ErrorVariable e -ErrorAction SilentlyContinue
        $out | Should -BeNullOrEmpty
        $e[0].FullyQualifiedErrorId | Should -BeLike 'DropWatch.Configuration*'
        $e[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
    }
}
