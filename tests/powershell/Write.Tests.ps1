# SPDX-License-Identifier: MIT
# Write-DropMessage, Test-DropHealth and Remove-DropStaleFile against real directories, with real failures
# (missing directory, quota, the library's per-handle fault injection).
BeforeAll {
    Import-Module $env:DW_MODULE -Force
    function New-TestDrop {
        $root = if ($env:DW_TEST_TMPDIR) { $env:DW_TEST_TMPDIR } else { [System.IO.Path]::GetTempPath() }
        $p = Join-Path $root ('drop-' + [guid]::NewGuid().ToString('N'))
        $null = New-Item -ItemType Directory -Path $p
        return $p
    }
    function Get-Messages([string] $Path) { @(Get-ChildItem -LiteralPath $Path -Filter '*.eml' -File) }
    function Get-Temps([string] $Path) { @(Get-ChildItem -LiteralPath $Path -Filter '.dwtmp-*' -File -Force) }
    function New-Faulty([string] $Operation, [int] $Errno) {
        $o = [DropWatch.DropOptions]::new()
        $o.InjectOperation = $Operation
        $o.InjectErrno = $Errno
        $o.InjectCount = 100
        $o.RetryMax = 1
        $o.RetryBaseMilliseconds = 1
        $o.RetryCapMilliseconds = 1
        return $o
    }
}

Describe 'Write-DropMessage' {
    BeforeEach { $script:drop = New-TestDrop }
    AfterEach { Remove-Item -LiteralPath $script:drop -Recurse -Force -ErrorAction SilentlyContinue }

    It 'reports a failed write as not published, with its outcome (issue 17)' {
        $o = New-Faulty 'DirectoryFsync' 5
        $out = Write-DropMessage -Path $script:drop -InputObject 'x' -Options $o -ErrorVariable ev -ErrorAction SilentlyContinue
        $out | Should -BeNullOrEmpty
        $ev.Count | Should -Be 1
        $ev[0].Exception.Outcome | Should -Be ([DropWatch.WriteOutcome]::NotPublished)
        $ev[0].Exception.PublishedUnsure | Should -BeFalse
        $ev[0].FullyQualifiedErrorId | Should -BeLike 'DropWatch.Physical*'
        (Get-Messages $script:drop).Count | Should -Be 0
    }

    It 'writes each pipeline string as one message' {
        $out = 'first', 'second' | Write-DropMessage -Path $script:drop
        $out.Count | Should -Be 2
        $out[0].Name | Should -BeLike '*.eml'
        $out[0].DropDirectory | Should -Be $script:drop
        $out[0].Length | Should -Be 5
        Get-Content -LiteralPath $out[1].FullName -Raw | Should -Be 'second'
        (Get-Messages $script:drop).Count | Should -Be 2
        (Get-Temps $script:drop).Count | Should -Be 0
    }

    It 'writes strings as UTF-8 without BOM' {
        $out = Write-DropMessage -Path $script:drop -InputObject 'héllo'
        [System.IO.File]::ReadAllBytes($out.FullName) | Should -Be ([System.Text.Encoding]::UTF8.GetBytes('héllo'))
    }

    It 'writes a whole byte array as one message' {
        [byte[]] $bytes = 0, 1, 2, 255, 13, 10
        $out = Write-DropMessage -Path $script:drop -InputObject $bytes
        [System.IO.File]::ReadAllBytes($out.FullName) | Should -Be $bytes
        $out2 = , $bytes | Write-DropMessage -Path $script:drop
        $out2.Length | Should -Be 6
    }

    It 'collects bytes unrolled by the pipeline into one message' {
        [byte[]] $bytes = 65, 66, 67
        $out = $bytes | Write-DropMessage -Path $script:drop
        @($out).Count | Should -Be 1
        Get-Content -LiteralPath $out.FullName -Raw | Should -Be 'ABC'
    }

    It 'writes files piped from Get-ChildItem, one message each' {
        $src = New-TestDrop
        try {
            Set-Content -LiteralPath (Join-Path $src 'a.txt') -Value 'file A' -NoNewline
            Set-Content -LiteralPath (Join-Path $src 'b.txt') -Value 'file B' -NoNewline
            $out = Get-ChildItem -LiteralPath $src -Filter '*.txt' | Write-DropMessage -Path $script:drop
            $out.Count | Should -Be 2
            ($out | ForEach-Object { Get-Content -LiteralPath $_.FullName -Raw } | Sort-Object) | Should -Be @('file A', 'file B')
            $one = Write-DropMessage -Path $script:drop -LiteralPath (Join-Path $src 'a.txt')
            Get-Content -LiteralPath $one.FullName -Raw | Should -Be 'file A'
        }
        finally { Remove-Item -LiteralPath $src -Recurse -Force }
    }

    It 'stops with ObjectNotFound when the drop directory is missing (never created)' {
        $missing = Join-Path $script:drop 'absent'
        $err = $null
        try { 'x' | Write-DropMessage -Path $missing } catch { $err = $_ }
        $err | Should -Not -BeNullOrEmpty
        $err.CategoryInfo.Category | Should -Be 'ObjectNotFound'
        $err.FullyQualifiedErrorId | Should -Be 'DropWatch.Configuration,Write-DropMessage'
        $err.Exception | Should -BeOfType ([DropWatch.DropConfigurationException])
        $err.Exception.Errno | Should -Be 2
        $err.Exception.Operation | Should -Be 'OpenDirectory'
        $err.ErrorDetails.RecommendedAction | Should -Not -BeNullOrEmpty
        Test-Path -LiteralPath $missing | Should -BeFalse
    }

    It 'reports a file in place of the directory as InvalidArgument' {
        $file = Join-Path $script:drop 'file'
        Set-Content -LiteralPath $file -Value 'x'
        { Write-DropMessage -Path $file -InputObject 'x' } | Should -Throw -ExceptionType ([DropWatch.DropConfigurationException])
        try { Write-DropMessage -Path $file -InputObject 'x' } catch { $_.CategoryInfo.Category | Should -Be 'InvalidArgument' }
    }

    It 'reports a quota excess per message as QuotaExceeded and keeps going' {
        $out = 'small', ('x' * 200), 'tiny' | Write-DropMessage -Path $script:drop -Quota 100 -QuotaMode Strict -ErrorAction SilentlyContinue -ErrorVariable errs
        $out.Count | Should -Be 2
        $errs.Count | Should -Be 1
        $errs[0].CategoryInfo.Category | Should -Be 'QuotaExceeded'
        $errs[0].Exception | Should -BeOfType ([DropWatch.DropCapacityException])
        $errs[0].Exception.Operation | Should -Be 'Quota'
        (Get-Messages $script:drop).Count | Should -Be 2
    }

    It 'applies Exchange''s quota rule by default: the crossing message is written, the next one waits' {
        $out = ('x' * 200), 'tiny' | Write-DropMessage -Path $script:drop -Quota 100 -ErrorAction SilentlyContinue -ErrorVariable errs
        $out.Count | Should -Be 1
        $errs.Count | Should -Be 1
        $errs[0].Exception.Operation | Should -Be 'Quota'
    }

    It 'accepts a quota as text' {
        { 'x' * 2048 | Write-DropMessage -Path $script:drop -Quota '1KB' -QuotaMode Strict -ErrorAction Stop } |
            Should -Throw -ExceptionType ([DropWatch.DropCapacityException])
        { 'x' | Write-DropMessage -Path $script:drop -Quota 'bogus' } | Should -Throw
    }

    It 'turns a failed guarded write into <Type> with category <Category>' -ForEach @(
        @{ Op = 'Fsync'; Errno = 5; Type = 'DropWatch.DropPhysicalDiskException'; Category = 'WriteError'; Class = 'PhysicalDisk' }
        @{ Op = 'Write'; Errno = 30; Type = 'DropWatch.DropLogicalDiskException'; Category = 'WriteError'; Class = 'LogicalDisk' }
        @{ Op = 'Create'; Errno = 11; Type = 'DropWatch.DropTransientException'; Category = 'ResourceBusy'; Class = 'Transient' }
        @{ Op = 'Write'; Errno = 28; Type = 'DropWatch.DropCapacityException'; Category = 'ResourceUnavailable'; Class = 'Capacity' }
        @{ Op = 'Create'; Errno = 13; Type = 'DropWatch.DropAccessException'; Category = 'PermissionDenied'; Class = 'Access' }
        @{ Op = 'Rename'; Errno = 2; Type = 'DropWatch.DropConfigurationException'; Category = 'ObjectNotFound'; Class = 'Configuration' }
        @{ Op = 'Rename'; Errno = 20; Type = 'DropWatch.DropConfigurationException'; Category = 'InvalidArgument'; Class = 'Configuration' }
        @{ Op = 'Write'; Errno = 116; Type = 'DropWatch.DropRemoteException'; Category = 'ConnectionError'; Class = 'Remote' }
    ) {
        $null = 'message' | Write-DropMessage -Path $script:drop -Options (New-Faulty $Op $Errno) -ErrorAction SilentlyContinue -ErrorVariable errs
        $errs.Count | Should -Be 1
        $errs[0].Exception | Should -BeOfType ([type]$Type)
        $errs[0].Exception | Should -BeOfType ([System.IO.IOException])
        $errs[0].CategoryInfo.Category | Should -Be $Category
        $errs[0].FullyQualifiedErrorId | Should -Be "DropWatch.$Class,Write-DropMessage"
        $errs[0].Exception.Errno | Should -Be $Errno
        $errs[0].Exception.Operation | Should -Be $Op
        $errs[0].Exception.UserAction | Should -Not -BeNullOrEmpty
        (Get-Messages $script:drop).Count | Should -Be 0
        (Get-Temps $script:drop).Count | Should -Be 0
    }

    It 'throws the classified exception with -ErrorAction Stop' {
        $caught = $null
        try { 'a', 'b' | Write-DropMessage -Path $script:drop -Options (New-Faulty 'Create' 13) -ErrorAction Stop }
        catch [DropWatch.DropAccessException] { $caught = $_ }
        $caught | Should -Not -BeNullOrEmpty
        $caught.Exception.Path | Should -BeLike "$($script:drop)*"
        (Get-Messages $script:drop).Count | Should -Be 0
    }

    It 'reports an unreadable source file as a per-item error' {
        $out = Write-DropMessage -Path $script:drop -LiteralPath (Join-Path $script:drop 'nope.txt') -ErrorAction SilentlyContinue -ErrorVariable errs
        $out | Should -BeNullOrEmpty
        $errs[0].Exception.Operation | Should -Be 'Read'
        $errs[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
    }

    It 'writes an Exchange envelope before each message' {
        $out = 'Subject: x' | Write-DropMessage -Path $script:drop -Sender 'a@example.com' -Recipient 'b@example.com', 'c@example.com'
        $text = Get-Content -LiteralPath $out.FullName -Raw
        $text | Should -Match '^X-sender: <a@example.com>'
        ([regex]::Matches($text, 'X-Receiver:')).Count | Should -Be 2
        $text | Should -Match 'Subject: x$'
    }

    It 'refuses a header-injecting envelope address as InvalidArgument' {
        $err = $null
        try { 'x' | Write-DropMessage -Path $script:drop -Sender "a@b`r`nX-Evil: 1" -Recipient 'c@d' } catch { $err = $_ }
        $err.CategoryInfo.Category | Should -Be 'InvalidArgument'
        $err.Exception | Should -BeOfType ([DropWatch.DropEnvelopeException])
    }
}

Describe 'Test-DropHealth' {
    BeforeAll { $script:drop = New-TestDrop }
    AfterAll { Remove-Item -LiteralPath $script:drop -Recurse -Force -ErrorAction SilentlyContinue }

    It 'reports a healthy directory' {
        $h = Test-DropHealth -Path $script:drop
        $h | Should -BeOfType ([DropWatch.DropHealth])
        $h.IsHealthy | Should -BeTrue
        $h.Writable | Should -BeTrue
        $h.TotalBytes | Should -BeGreaterThan 0
        (Get-Temps $script:drop).Count | Should -Be 0
    }

    It 'reports a missing directory in the result, not as an error' {
        $h = Test-DropHealth -Path (Join-Path $script:drop 'absent') -ErrorVariable errs
        $errs.Count | Should -Be 0
        $h.IsHealthy | Should -BeFalse
        $h.Exists | Should -BeFalse
        $h.Error | Should -BeOfType ([DropWatch.DropConfigurationException])
    }

    It 'takes directories from the pipeline and answers -Quiet' {
        $script:drop, (Join-Path $script:drop 'absent') | Test-DropHealth -Quiet | Should -Be @($true, $false)
        (Get-Item -LiteralPath $script:drop | Test-DropHealth).IsHealthy | Should -BeTrue
    }

    It 'carries a 64-bit quota through' {
        (Test-DropHealth -Path $script:drop -Quota '8 TB').QuotaBytes | Should -Be 8796093022208
    }

    It 'counts stale temporary files' {
        $t = Join-Path $script:drop '.dwtmp-old-1.tmp'
        Set-Content -LiteralPath $t -Value 'x'
        (Get-Item -LiteralPath $t -Force).LastWriteTimeUtc = [datetime]::UtcNow.AddHours(-2)
        (Test-DropHealth -Path $script:drop -StaleAgeSeconds 3600).StaleTempFiles | Should -Be 1
        Remove-Item -LiteralPath $t -Force
    }
}

Describe 'Remove-DropStaleFile' {
    BeforeEach {
        $script:drop = New-TestDrop
        $script:stale = Join-Path $script:drop '.dwtmp-crashed-1.tmp'
        $script:other = Join-Path $script:drop 'keep.eml'
        foreach ($f in $script:stale, $script:other) {
            Set-Content -LiteralPath $f -Value 'x'
            (Get-Item -LiteralPath $f -Force).LastWriteTimeUtc = [datetime]::UtcNow.AddHours(-3)
        }
    }
    AfterEach { Remove-Item -LiteralPath $script:drop -Recurse -Force -ErrorAction SilentlyContinue }

    It 'removes only stale temporary files' {
        $r = Remove-DropStaleFile -Path $script:drop
        $r.Removed | Should -Be 1
        $r.Path | Should -Be $script:drop
        Test-Path -LiteralPath $script:stale | Should -BeFalse
        Test-Path -LiteralPath $script:other | Should -BeTrue
    }

    It 'keeps younger temporary files' {
        (Remove-DropStaleFile -Path $script:drop -OlderThan ([TimeSpan]::FromHours(5))).Removed | Should -Be 0
        Test-Path -LiteralPath $script:stale | Should -BeTrue
    }

    It 'honours -WhatIf' {
        Remove-DropStaleFile -Path $script:drop -WhatIf | Should -BeNullOrEmpty
        Test-Path -LiteralPath $script:stale | Should -BeTrue
    }

    It 'takes directories from the pipeline and reports a missing one' {
        $out = Get-Item -LiteralPath $script:drop | Remove-DropStaleFile
        $out.Removed | Should -Be 1
        $null = Join-Path $script:drop 'absent' | Remove-DropStaleFile -ErrorAction SilentlyContinue -ErrorVariable errs
        $errs[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
    }
}

Describe '-TempDirectory' {
    BeforeEach {
        $script:drop = New-TestDrop
        $script:tmp = Join-Path $script:drop '.dwtmp'
        $null = New-Item -ItemType Directory -Path $script:tmp
    }
    AfterEach { Remove-Item -LiteralPath $script:drop -Recurse -Force -ErrorAction SilentlyContinue }

    It 'writes through the temporary directory: the drop directory gets only messages' {
        $out = 'Subject: t' | Write-DropMessage -Path $script:drop -TempDirectory '.dwtmp' -Quota '10MB'
        $out.Name | Should -Match '\.eml$'
        (Get-Messages $script:drop).Count | Should -Be 1
        @(Get-ChildItem -LiteralPath $script:drop -File -Force | Where-Object Name -NotLike '*.eml' |
            Where-Object Name -NE '.dwquota').Count | Should -Be 0
        @(Get-ChildItem -LiteralPath $script:tmp -Force).Count | Should -Be 0
        (Test-DropHealth -Path $script:drop -TempDirectory '.dwtmp').Writable | Should -BeTrue
    }

    It 'sweeps and counts stale temporary files there' {
        $t = Join-Path $script:tmp '.dwtmp-old-1.tmp'
        Set-Content -LiteralPath $t -Value 'x'
        (Get-Item -LiteralPath $t -Force).LastWriteTimeUtc = [datetime]::UtcNow.AddHours(-2)
        (Test-DropHealth -Path $script:drop -TempDirectory '.dwtmp').StaleTempFiles | Should -Be 1
        (Remove-DropStaleFile -Path $script:drop -TempDirectory '.dwtmp').Removed | Should -Be 1
        Test-Path -LiteralPath $t | Should -BeFalse
    }

    It 'refuses a missing temporary directory as a configuration failure' {
        $err = $null
        try { 'x' | Write-DropMessage -Path $script:drop -TempDirectory 'missing' } catch { $err = $_ }
        $err.Exception | Should -BeOfType ([DropWatch.DropConfigurationException])
        $err.Exception.Detail | Should -Match 'temp_dir does not exist'
        Test-Path -LiteralPath (Join-Path $script:drop 'missing') | Should -BeFalse
        (Get-Messages $script:drop).Count | Should -Be 0
    }
}
