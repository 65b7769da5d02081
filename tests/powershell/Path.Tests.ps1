# SPDX-License-Identifier: MIT
# Resolve-DropPath and Test-DropDirectory.
BeforeAll {
    Import-Module $env:DW_MODULE -Force
}

Describe 'Resolve-DropPath' {
    It 'resolves a Windows root and a DropDirectory' {
        $r = Resolve-DropPath -Root 'D:\Exchange\' -DropDirectory 'Drop'
        $r | Should -BeOfType ([DropWatch.ResolvedDropPath])
        $r.Path | Should -Be 'D:\Exchange\Drop'
        $r.Style | Should -Be 'Windows'
        $r.RootDefaulted | Should -BeFalse
    }

    It 'takes positional root then DropDirectory' {
        (Resolve-DropPath '/var/spool/exchange' 'Drop').Path | Should -Be '/var/spool/exchange/Drop'
    }

    It 'uses the Exchange install folder for a blank root' {
        $r = Resolve-DropPath -Root '' -DropDirectory 'Drop' -ExchangeVersion Exchange2013
        $r.Path | Should -Be 'C:\Program Files\Microsoft\Exchange Server\V15\Drop'
        $r.RootDefaulted | Should -BeTrue
        (Resolve-DropPath -DropDirectory 'Drop' -InstallDirectory 'E:\Ex\').Path | Should -Be 'E:\Ex\Drop'
    }

    It 'resolves DropDirectory values from the pipeline' {
        $r = 'Drop', 'Fax' | Resolve-DropPath -Root 'D:\Exchange'
        $r.Path | Should -Be @('D:\Exchange\Drop', 'D:\Exchange\Fax')
    }

    It 'binds connector objects by property name' {
        $connectors = @(
            [pscustomobject]@{ Name = 'A'; RootDropDirectoryPath = 'D:\Ex'; DropDirectory = 'DropA' }
            [pscustomobject]@{ Name = 'B'; RootDropDirectoryPath = '/srv/ex'; DropDirectory = 'DropB' }
        )
        ($connectors | Resolve-DropPath).Path | Should -Be @('D:\Ex\DropA', '/srv/ex/DropB')
    }

    It 'reports an invalid DropDirectory as a non-terminating InvalidArgument error' {
        $out = 'a\b', 'Drop' | Resolve-DropPath -Root 'D:\Ex' -ErrorAction SilentlyContinue -ErrorVariable errs
        $out.Path | Should -Be 'D:\Ex\Drop'
        $errs.Count | Should -Be 1
        $errs[0].CategoryInfo.Category | Should -Be 'InvalidArgument'
        $errs[0].Exception | Should -BeOfType ([DropWatch.InvalidDropDirectoryNameException])
        $errs[0].Exception.Reason | Should -Be 'Separator'
        $errs[0].FullyQualifiedErrorId | Should -BeLike 'DropWatch.InvalidDropDirectoryNameException,Resolve-DropPath'
        $errs[0].TargetObject | Should -Be 'a\b'
    }

    It 'reports an invalid root' {
        { Resolve-DropPath -Root 'relative' -DropDirectory 'Drop' -ErrorAction Stop } |
            Should -Throw -ExceptionType ([DropWatch.InvalidDropRootException])
    }

    It 'reports a too long path as LimitsExceeded' {
        $null = Resolve-DropPath -Root ('D:\' + ('a' * 200)) -DropDirectory 'Drop' -ErrorAction SilentlyContinue -ErrorVariable errs
        $errs[0].CategoryInfo.Category | Should -Be 'LimitsExceeded'
        $errs[0].Exception.ResolvedPath | Should -Be ('D:\' + ('a' * 200) + '\Drop')
    }

    It 'stops at the first error with -ErrorAction Stop' {
        $err = $null
        try { 'C:\abs', 'Drop' | Resolve-DropPath -Root 'D:\Ex' -ErrorAction Stop } catch { $err = $_ }
        $err | Should -Not -BeNullOrEmpty
        $err.Exception | Should -BeOfType ([System.ArgumentException])
    }

    It 'explains where Exchange really writes' {
        $e = Resolve-DropPath -Root 'D:\Exchange' -DropDirectory 'C:\Other' -Explain
        $e | Should -BeOfType ([DropWatch.DropPathExplanation])
        $e.ExchangePath | Should -Be 'C:\Other'
        $e.Warnings.HasFlag([DropWatch.ExplainWarnings]::RootReplaced) | Should -BeTrue
        $e.StrictOk | Should -BeFalse
        $e.WarningMessages.Count | Should -BeGreaterThan 0
    }
}

Describe 'Test-DropDirectory' {
    It 'outputs IsValid/Reason objects' {
        $c = Test-DropDirectory -Name 'Drop'
        $c.IsValid | Should -BeTrue
        $c.Reason | Should -Be 'Ok'
    }

    It 'tests pipeline values one by one' {
        $r = 'Drop', 'a\b', 'CON', 'x.', '' | Test-DropDirectory
        $r.Count | Should -Be 5
        $r.IsValid | Should -Be @($true, $false, $false, $false, $false)
        $r.Reason | Should -Be @('Ok', 'Separator', 'ReservedName', 'TrailingDot', 'Empty')
        $r[1].Offset | Should -Be 1
        $r[1].Message | Should -Not -BeNullOrEmpty
    }

    It 'binds DropDirectory by property name' {
        $r = [pscustomobject]@{ DropDirectory = 'nul.txt' } | Test-DropDirectory
        $r.Reason | Should -Be 'ReservedName'
    }

    It 'answers $true/$false with -Quiet' {
        'Drop', 'a/b' | Test-DropDirectory -Quiet | Should -Be @($true, $false)
    }

    It 'does not write errors for invalid values' {
        $null = Test-DropDirectory -Name '..' -ErrorVariable errs
        $errs.Count | Should -Be 0
    }

    It 'checks UTF-16 length' {
        (Test-DropDirectory -Name ('a' * 256)).Reason | Should -Be 'TooLong'
        (Test-DropDirectory -Name ('a' * 255)).IsValid | Should -BeTrue
    }
}
