# SPDX-License-Identifier: MIT
# Format-DropAlert and Get-DropIOClass.
BeforeAll {
    Import-Module $env:DW_MODULE -Force
    $script:t0 = [DateTimeOffset]::FromUnixTimeMilliseconds(1700000000123)
}

Describe 'Format-DropAlert' {
    It 'formats <_>' -ForEach 'Text', 'Xml', 'Json', 'Syslog' {
        $a = Format-DropAlert -Errno 28 -Operation Write -Path '/srv/drop/x.tmp' -Connector 'Fax' -Format $_ -Time $script:t0 -RecordId 7
        $a | Should -BeOfType ([string])
        $a | Should -Match 'Fax'
        $a | Should -Match '8004'
        $a | Should -Be (Format-DropAlert -Errno 28 -Operation Write -Path '/srv/drop/x.tmp' -Connector 'Fax' -Format $_ -Time $script:t0 -RecordId 7)
    }

    It 'writes well-formed XML and JSON even for hostile values' {
        $evil = "e`"<&>'`r`n<Event>"
        $xml = [xml](Format-DropAlert -Errno 5 -Connector $evil -Format Xml -Time $script:t0)
        $xml.DocumentElement.LocalName | Should -Be 'Event'
        $json = Format-DropAlert -Errno 5 -Connector $evil -Format Json -Time $script:t0 | ConvertFrom-Json
        $json | Should -Not -BeNullOrEmpty
        (Format-DropAlert -Errno 5 -Connector $evil -Format Syslog).Trim() | Should -Not -Match "`n"
    }

    It 'formats a real failed guarded write piped as an ErrorRecord' {
        $root = if ($env:DW_TEST_TMPDIR) { $env:DW_TEST_TMPDIR } else { [System.IO.Path]::GetTempPath() }
        $drop = Join-Path $root ('alert-' + [guid]::NewGuid().ToString('N'))
        $null = New-Item -ItemType Directory -Path $drop
        try {
            $null = 'x' * 500 | Write-DropMessage -Path $drop -Quota 100 -QuotaMode Strict -ErrorAction SilentlyContinue -ErrorVariable errs
            $errs.Count | Should -Be 1
            $json = $errs | Format-DropAlert -Connector 'Fax' -Format Json -AutoEventId -Time $script:t0 | ConvertFrom-Json
            $json.winlog.event_id | Should -Be '8004'  # a strict-only refusal: Exchange would have written it
            $json.dropwatch.class | Should -Be 'capacity'
            $json.dropwatch.operation | Should -Be 'quota'
            $text = $errs[0].Exception | Format-DropAlert -Connector 'Fax'
            $text | Should -Match 'Fax'
        }
        finally { Remove-Item -LiteralPath $drop -Recurse -Force }
    }

    It 'uses the event ID Exchange would log by default, 8004 with -Force8004' {
        Format-DropAlert -Errno 2 -Operation OpenDirectory -Format Json -Time $script:t0 |
            ConvertFrom-Json | ForEach-Object { $_.winlog.event_id } | Should -Be '8008'
        Format-DropAlert -Errno 2 -Operation OpenDirectory -Force8004 -Format Json -Time $script:t0 |
            ConvertFrom-Json | ForEach-Object { $_.winlog.event_id } | Should -Be '8004'
        Format-DropAlert -Errno 28 -ExchangeVersion SE -Time $script:t0 | Should -Match 'Set-TransportService'

        Format-DropAlert -Errno 2 -Operation OpenDirectory -AutoEventId -Format Json -Time $script:t0 |
            ConvertFrom-Json | ForEach-Object { $_.winlog.event_id } | Should -Be '8008'
        Format-DropAlert -Win32Code 5 -Operation Create -AutoEventId -Format Xml -Time $script:t0 | Should -Match '8009'
    }

    It 'classifies from a Win32 code' {
        $j = Format-DropAlert -Win32Code 112 -Format Json -Time $script:t0 | ConvertFrom-Json
        $j.dropwatch.class | Should -Be 'capacity'
        $j.dropwatch.win32 | Should -Be 112
    }

    It 'honours the syslog facility and validates it' {
        Format-DropAlert -Errno 5 -Format Syslog -SyslogFacility 0 | Should -Match '^<2>1 '
        { Format-DropAlert -Errno 5 -Format Syslog -SyslogFacility 24 } | Should -Throw
    }

    It 'rejects an unknown format' {
        { Format-DropAlert -Errno 5 -Format Yaml } | Should -Throw
    }

    It 'reports piped objects that are not failures as InvalidArgument' {
        $out = 'not a failure' | Format-DropAlert -ErrorAction SilentlyContinue -ErrorVariable errs
        $out | Should -BeNullOrEmpty
        $errs[0].CategoryInfo.Category | Should -Be 'InvalidArgument'
    }

    It 'formats one alert per piped failure' {
        $infos = [DropWatch.IOErrorInfo]::FromErrno(5), [DropWatch.IOErrorInfo]::FromErrno(13)
        $out = $infos | Format-DropAlert -Format Json -Time $script:t0
        $out.Count | Should -Be 2
        ($out | ConvertFrom-Json).dropwatch.class | Should -Be @('physical', 'access')
    }
}

Describe 'Get-DropIOClass' {
    It 'classifies errno <Code> as <Class>' -ForEach @(
        @{ Code = 5; Class = 'PhysicalDisk'; Name = 'EIO' }
        @{ Code = 30; Class = 'LogicalDisk'; Name = 'EROFS' }
        @{ Code = 11; Class = 'Transient'; Name = 'EAGAIN' }
        @{ Code = 28; Class = 'Capacity'; Name = 'ENOSPC' }
        @{ Code = 13; Class = 'Access'; Name = 'EACCES' }
        @{ Code = 2; Class = 'Configuration'; Name = 'ENOENT' }
        @{ Code = 116; Class = 'Remote'; Name = 'ESTALE' }
    ) {
        $c = Get-DropIOClass -Errno $Code
        $c | Should -BeOfType ([DropWatch.IOClassification])
        $c.IOClass | Should -Be $Class
        $c.Name | Should -Be $Name
        $c.Known | Should -BeTrue
        $c.UserAction | Should -Not -BeNullOrEmpty
        $c.ExceptionType.Name | Should -BeLike 'Drop*Exception'
    }

    It 'classifies Win32 codes' {
        $c = Get-DropIOClass -Win32Code 0x70
        $c.Name | Should -Be 'ERROR_DISK_FULL'
        $c.IOClass | Should -Be 'Capacity'
        (Get-DropIOClass -Win32Code 53).IOClass | Should -Be 'Remote'
    }

    It 'takes errno values from the pipeline' {
        (28, 13, 0 | Get-DropIOClass).IOClass | Should -Be @('Capacity', 'Access', 'None')
    }

    It 'binds Win32Code by property name' {
        ([pscustomobject]@{ Win32Code = 5 }, [pscustomobject]@{ Win32Code = 32 } | Get-DropIOClass).IOClass |
            Should -Be @('Access', 'Transient')
    }

    It 'falls back conservatively for unknown codes' {
        $c = Get-DropIOClass -Errno 99999
        $c.IOClass | Should -Be 'PhysicalDisk'
        $c.Known | Should -BeFalse
    }

    It 'reports a negative errno as InvalidArgument' {
        $out = -1, 28 | Get-DropIOClass -ErrorAction SilentlyContinue -ErrorVariable errs
        @($out).Count | Should -Be 1
        $errs[0].CategoryInfo.Category | Should -Be 'InvalidArgument'
    }
}
