# SPDX-License-Identifier: MIT
# DropWatch.psm1 - PowerShell functions over libdropwatch's .NET binding (DropWatch.dll, loaded by the
# manifest's RequiredAssemblies). Failures become ErrorRecords: per-item ones through $PSCmdlet.WriteError
# (so -ErrorAction applies), set-up ones through $PSCmdlet.ThrowTerminatingError.
Set-StrictMode -Version 3.0

# Fail early and clearly when the native glue cannot be loaded (a TypeInitializationException otherwise).
try {
    $null = [DropWatch.DropWatchLibrary]::Version
}
catch {
    $inner = $_.Exception
    while ($inner.InnerException) { $inner = $inner.InnerException }
    throw "DropWatch: libdropwatch's native glue could not be loaded from '$PSScriptRoot': $($inner.Message)"
}

# ---- error records ---------------------------------------------------------------------------------------

# The ErrorCategory for an exception from the binding.
function Get-DropErrorCategory {
    param([Exception] $Exception)
    if ($Exception -is [DropWatch.DropIOException]) {
        switch ($Exception.IOClass) {
            'Configuration' {
                # The drop directory (or a source file) does not exist: the library decides (dw_io_error_not_found).
                if ($Exception.NotFound) { return [System.Management.Automation.ErrorCategory]::ObjectNotFound }
                return [System.Management.Automation.ErrorCategory]::InvalidArgument
            }
            'Access' { return [System.Management.Automation.ErrorCategory]::PermissionDenied }
            'Capacity' {
                if ($Exception.Operation -eq 'Quota') { return [System.Management.Automation.ErrorCategory]::QuotaExceeded }
                return [System.Management.Automation.ErrorCategory]::ResourceUnavailable
            }
            'Transient' { return [System.Management.Automation.ErrorCategory]::ResourceBusy }
            'Remote' { return [System.Management.Automation.ErrorCategory]::ConnectionError }
            default {
                if ($Exception.Operation -eq 'Read') { return [System.Management.Automation.ErrorCategory]::ReadError }
                return [System.Management.Automation.ErrorCategory]::WriteError
            }
        }
    }
    if ($Exception -is [DropWatch.DropPathTooLongException]) { return [System.Management.Automation.ErrorCategory]::LimitsExceeded }
    if ($Exception -is [System.ArgumentException]) { return [System.Management.Automation.ErrorCategory]::InvalidArgument }
    if ($Exception -is [System.FormatException]) { return [System.Management.Automation.ErrorCategory]::InvalidData }
    if ($Exception -is [System.NotSupportedException] -or $Exception -is [System.PlatformNotSupportedException]) { return [System.Management.Automation.ErrorCategory]::NotImplemented }
    if ($Exception -is [System.InvalidOperationException]) { return [System.Management.Automation.ErrorCategory]::InvalidOperation }
    if ($Exception -is [System.IO.IOException]) { return [System.Management.Automation.ErrorCategory]::WriteError }
    return [System.Management.Automation.ErrorCategory]::NotSpecified
}

# An ErrorRecord for an exception: the ErrorId names the class ("DropWatch.Capacity") or the exception type.
function New-DropErrorRecord {
    param([Exception] $Exception, [object] $Target, [string] $Activity)
    $e = $Exception
    # PowerShell wraps .NET method exceptions; the binding's own is what callers match on.
    while (($e -is [System.Management.Automation.MethodInvocationException] -or
            $e -is [System.Reflection.TargetInvocationException]) -and $e.InnerException) { $e = $e.InnerException }
    if ($e -is [DropWatch.DropIOException]) { $id = "DropWatch.$($e.IOClass)" } else { $id = "DropWatch.$($e.GetType().Name)" }
    # A message published after all (durability unknown) must not be retried like a failure: its own ErrorId.
    if ($e -is [DropWatch.DropIOException] -and $e.PublishedUnsure) { $id = 'DropWatch.PublishedUnsure' }
    $record = [System.Management.Automation.ErrorRecord]::new($e, $id, (Get-DropErrorCategory $e), $Target)
    if ($Activity) { $record.CategoryInfo.Activity = $Activity }
    if ($e -is [DropWatch.DropIOException]) {
        $record.ErrorDetails = [System.Management.Automation.ErrorDetails]::new($e.Message)
        $record.ErrorDetails.RecommendedAction = $e.UserAction
        if ($e.PublishedUnsure) {
            $record.ErrorDetails.RecommendedAction = "The message is published as $($e.Published) but its durability is unknown: do not deliver it again. $($e.UserAction)"
        }
    }
    return $record
}

# Options from -Options and -Quota. Returns an exception instead of throwing: PowerShell would record a
# caught exception in the caller's -ErrorVariable and $Error, next to the ErrorRecord we write.
function Get-DropOptions {
    param($Options, $Quota, [ref] $Failure, $QuotaMode, $TempDirectory)
    if ($Options) { $o = $Options } else { $o = [DropWatch.DropOptions]::new() }
    if ($null -ne $QuotaMode) { $o.QuotaMode = $QuotaMode }
    if ($TempDirectory) { $o.TempDir = $TempDirectory }
    if ($null -ne $Quota -and "$Quota" -ne '') {
        $bytes = [uint64]0
        if ($Quota -is [string]) {
            if (-not [DropWatch.Quota]::TryParse($Quota, [ref]$bytes)) {
                $Failure.Value = [System.ArgumentException]::new("'$Quota' is not a DropDirectoryQuota value (bytes, '10MB', '1.5 GB' or 'unlimited')", 'Quota')
                return $null
            }
        }
        elseif (-not [uint64]::TryParse("$Quota", [ref]$bytes)) {
            $Failure.Value = [System.ArgumentException]::new("'$Quota' is not a DropDirectoryQuota value", 'Quota')
            return $null
        }
        $o.QuotaBytes = $bytes
    }
    return $o
}

# ---- Resolve-DropPath ------------------------------------------------------------------------------------

function Resolve-DropPath {
    <#
    .SYNOPSIS
    Resolves a Foreign connector's drop directory from RootDropDirectoryPath and DropDirectory.

    .DESCRIPTION
    Joins RootDropDirectoryPath and DropDirectory with libdropwatch's strict resolver: both values are
    validated against the rules Exchange applies (DropDirectory must be a simple directory name, the root an
    absolute path), a blank root stands for the Exchange installation folder, and a Windows result must leave
    room for a file name under MAX_PATH. With -Explain it shows instead where Exchange itself would write
    (.NET Path.Combine semantics) and warns where that differs from the strict result.

    Objects from Get-ForeignConnector can be piped in: their RootDropDirectoryPath and DropDirectory
    properties bind by name.

    .PARAMETER DropDirectory
    The connector's DropDirectory value. Accepts pipeline input (by value and by property name).

    .PARAMETER Root
    RootDropDirectoryPath. Empty or omitted means the Exchange installation folder. Alias:
    RootDropDirectoryPath.

    .PARAMETER InstallDirectory
    Installation folder used for a blank root instead of the Exchange version's default.

    .PARAMETER ExchangeVersion
    Exchange2007 (default), Exchange2010 or Exchange2013 (2013 to SE): picks the default install folder.

    .PARAMETER Style
    Auto (default: "/..." is POSIX, anything else Windows), Windows or Posix.

    .PARAMETER Explain
    Output where Exchange would really write, with warnings, instead of the strict result.

    .PARAMETER TransportService
    Transport servers (Get-TransportService or Get-TransportServer output). Each connector is joined with
    its source server's RootDropDirectoryPath, and a blank root stands for the install folder of that
    server's AdminDisplayVersion (8.x: 2007, 14.x: 2010, 15.x: 2013 to SE). Without it, a blank root draws
    a warning naming the default assumed.

    .PARAMETER SourceTransportServers
    The connector's source servers, bound from a piped connector; picks among several -TransportService.

    .OUTPUTS
    DropWatch.ResolvedDropPath (Path, Style, RootDefaulted, LongPath, Length, Utf16Length, FileNameRoom), or
    DropWatch.DropPathExplanation with -Explain.

    .EXAMPLE
    Resolve-DropPath -Root 'D:\Exchange' -DropDirectory 'Drop'

    Returns D:\Exchange\Drop.

    .EXAMPLE
    Get-ForeignConnector | Resolve-DropPath -TransportService (Get-TransportService HUB01)

    Joins every Foreign connector with HUB01's RootDropDirectoryPath and install folder.

    .EXAMPLE
    Get-ForeignConnector | Resolve-DropPath -Explain

    Shows, for every Foreign connector, where Exchange writes and why that may be surprising.

    .EXAMPLE
    'Drop', 'C:\Other' | Resolve-DropPath -Root 'D:\Exchange' -ErrorAction SilentlyContinue -ErrorVariable bad

    Resolves the valid value; the absolute one lands in $bad as an InvalidArgument error.
    #>
    [CmdletBinding()]
    [OutputType([DropWatch.ResolvedDropPath], [DropWatch.DropPathExplanation])]
    param(
        [Parameter(Mandatory, Position = 1, ValueFromPipeline, ValueFromPipelineByPropertyName)]
        [AllowEmptyString()]
        [string] $DropDirectory,

        [Parameter(Position = 0, ValueFromPipelineByPropertyName)]
        [Alias('RootDropDirectoryPath')]
        [AllowEmptyString()]
        [AllowNull()]
        [string] $Root,

        [string] $InstallDirectory,

        [DropWatch.ExchangeVersion] $ExchangeVersion = 'Exchange2007',

        [DropWatch.PathStyle] $Style = 'Auto',

        [switch] $Explain,

        # Get-TransportService / Get-TransportServer output: Name, RootDropDirectoryPath, AdminDisplayVersion.
        [object[]] $TransportService,

        # The connector's source servers (bound from a piped Get-ForeignConnector object).
        [Parameter(ValueFromPipelineByPropertyName)]
        [object[]] $SourceTransportServers
    )
    process {
        $root = $Root
        $version = $ExchangeVersion
        $server = $null
        if ($TransportService) {
            # The connector's own source server when several are given; the only one otherwise.
            $names = @($SourceTransportServers | ForEach-Object { "$_" })
            $server = @($TransportService | Where-Object { $names -contains "$($_.Name)" }) | Select-Object -First 1
            if (-not $server -and @($TransportService).Count -eq 1) { $server = @($TransportService)[0] }
            if (-not $server) {
                $e = [System.ArgumentException]::new("No transport service given is a source server of this connector (" +
                    ($names -join ', ') + ")")
                $PSCmdlet.WriteError([System.Management.Automation.ErrorRecord]::new($e, 'DropWatch.NoTransportService',
                    [System.Management.Automation.ErrorCategory]::ObjectNotFound, $DropDirectory))
                return
            }
            if (-not $PSBoundParameters.ContainsKey('Root')) { $root = [string]$server.RootDropDirectoryPath }
            # 'Version 15.1 (Build 2507.6)' -> Exchange2013: the library's table (dw_exchange_version_from_build).
            $v = [DropWatch.DropPath]::ExchangeVersionFromBuild("$($server.AdminDisplayVersion)")
            if ($null -ne $v -and -not $PSBoundParameters.ContainsKey('ExchangeVersion')) { $version = $v }
        }
        elseif ([string]::IsNullOrWhiteSpace($root) -and -not $InstallDirectory -and
                -not $PSBoundParameters.ContainsKey('ExchangeVersion')) {
            Write-Warning ("RootDropDirectoryPath is blank: assumed the $version installation folder " +
                [DropWatch.DropPath]::ExchangeInstallDirectory($version) +
                "; give -TransportService (Get-TransportService) or -ExchangeVersion to choose")
        }
        $options = [DropWatch.ResolveOptions]::new()
        if ($InstallDirectory) { $options.InstallDirectory = $InstallDirectory }
        $options.ExchangeVersion = $version
        $options.Style = $Style
        $result = $null
        $failure = $null
        if ($Explain) { $ok = [DropWatch.DropPath]::TryExplain($root, $DropDirectory, $options, [ref]$result, [ref]$failure) }
        else { $ok = [DropWatch.DropPath]::TryResolve($root, $DropDirectory, $options, [ref]$result, [ref]$failure) }
        if ($ok) {
            if ($server) { $result | Add-Member -NotePropertyName TransportService -NotePropertyValue "$($server.Name)" -PassThru }
            else { $result }
        }
        else { $PSCmdlet.WriteError((New-DropErrorRecord $failure $DropDirectory 'Resolve-DropPath')) }
    }
}

# ---- Test-DropDirectory ----------------------------------------------------------------------------------

function Test-DropDirectory {
    <#
    .SYNOPSIS
    Tests whether a value is a valid DropDirectory (a simple Windows directory name).

    .DESCRIPTION
    Applies every Windows naming rule to a DropDirectory value: no separators, drive, UNC or device prefixes,
    no "." or "..", no forbidden or control characters, no trailing dot or space, no reserved device names
    (CON, NUL, COM1, ...), at most 255 UTF-16 units, and no Unicode look-alikes of separators. Outputs one
    result object per value; an invalid value is a result, not an error.

    .PARAMETER DropDirectory
    The value(s) to test (alias: Name). Accepts pipeline input by value, or by property name: a connector
    from Get-ForeignConnector is tested on its DropDirectory, not its Name.

    .PARAMETER Quiet
    Output only $true or $false per value.

    .OUTPUTS
    DropWatch.DropNameCheck (Name, IsValid, Reason, ReasonName, Message, Offset, CodePoint, Utf16Units), or
    [bool] with -Quiet.

    .EXAMPLE
    Test-DropDirectory -Name 'Drop'

    IsValid is True.

    .EXAMPLE
    Get-ForeignConnector | Test-DropDirectory

    Tests every Foreign connector's DropDirectory value.

    .EXAMPLE
    'Drop', 'a\b', 'CON', 'x.' | Test-DropDirectory | Where-Object { -not $_.IsValid } | Select-Object Name, Reason

    Lists the invalid values with their reasons (Separator, ReservedName, TrailingDot).
    #>
    [CmdletBinding()]
    [OutputType([DropWatch.DropNameCheck], [bool])]
    param(
        # Named DropDirectory (alias Name) so that a Get-ForeignConnector object binds its DropDirectory
        # property, never its Name: the binder tries a parameter's own name before its aliases.
        [Parameter(Mandatory, Position = 0, ValueFromPipeline, ValueFromPipelineByPropertyName)]
        [Alias('Name')]
        [AllowEmptyString()]
        [string[]] $DropDirectory,

        [switch] $Quiet
    )
    process {
        foreach ($n in $DropDirectory) {
            # [string] binding turns $null into '': Validate never throws here.
            $check = [DropWatch.DropDirectoryName]::Validate([string]$n)
            if ($Quiet) { $check.IsValid } else { $check }
        }
    }
}

# ---- Write-DropMessage -----------------------------------------------------------------------------------

function Write-DropMessage {
    <#
    .SYNOPSIS
    Writes message files into a drop directory with guarded (atomic, durable) writes.

    .DESCRIPTION
    Each message lands in the drop directory completely or not at all: it is written to a temporary name the
    gateway ignores, flushed, then published under a unique *.eml name by an atomic rename that never
    replaces an existing file. Each input becomes one message:

      - a string: its UTF-8 bytes (no BOM);
      - a byte array passed whole (-InputObject $bytes, or ,$bytes in a pipeline);
      - a file (FileInfo from Get-ChildItem, or -LiteralPath): its content, streamed by the library.

    Single bytes arriving one by one (a byte array unrolled by the pipeline) are collected into one message.

    The drop directory must exist (it is never created). A directory that cannot be opened stops the
    command (a terminating error: ObjectNotFound when missing). A message that fails is reported as a
    non-terminating error carrying the classified DropWatch.DropIOException (PermissionDenied,
    ResourceUnavailable or QuotaExceeded, WriteError, ReadError, ResourceBusy, ConnectionError, ...); the
    next input is still written. Use -ErrorAction Stop to stop at the first failure.

    .PARAMETER Path
    The drop directory (resolved, e.g. with Resolve-DropPath). Binds by property name (Path, DropPath,
    FinalDirectory), so Resolve-DropPath's output can be piped in. Relative paths resolve against the
    current location, and PSDrive paths (Drops:\Fax) to their file-system target.

    .PARAMETER InputObject
    Strings, byte arrays or FileInfo objects to write, from the pipeline.

    .PARAMETER LiteralPath
    Files whose content to write (one message each). Binds FullName from piped objects.

    .PARAMETER Quota
    DropDirectoryQuota: bytes, or text such as '10MB' or 'unlimited', read as Exchange's ByteQuantifiedSize
    reads it. By Exchange's rule (the default) a message fails with QuotaExceeded, before anything is
    written, when the files in the directory already add up to the quota; the message that crosses it is
    still written.

    .PARAMETER QuotaMode
    Exchange (default) or Strict: with Strict a message that would exceed the quota fails instead, so the
    quota is never exceeded (not Exchange's rule).

    .PARAMETER Options
    A DropWatch.DropOptions object (retry policy, durability, naming, fault injection for tests).

    .PARAMETER TempDirectory
    Where temporary files are written before their rename into the drop directory (DropOptions.TempDir):
    the name of one subdirectory of it, such as '.dwtmp', or an absolute folder on the same volume. It must
    exist. Without it the temporary files (".dwtmp-*.tmp") appear in the drop directory while a message is
    written, where a gateway that picks up "*.*" could see them.

    .PARAMETER Sender
    Envelope X-Sender address; with -Recipient an Exchange envelope is written before each message.

    .PARAMETER Recipient
    Envelope X-Receiver addresses.

    .OUTPUTS
    One object per published message: Name, FullName, Length, DropDirectory.

    .EXAMPLE
    'Subject: test', '', 'body' -join "`r`n" | Write-DropMessage -Path /var/spool/drop

    Writes one message built from a string.

    .EXAMPLE
    Get-ChildItem ./outbox/*.eml | Write-DropMessage -Path (Resolve-DropPath -Root /srv/exchange -DropDirectory Drop)

    Writes every file of the outbox as one message each.

    .EXAMPLE
    Write-DropMessage -Path /var/spool/drop -InputObject $bytes -Quota '10MB' -ErrorAction Stop

    Writes a byte array; a quota excess throws a DropWatch.DropCapacityException.
    #>
    [CmdletBinding(DefaultParameterSetName = 'Input', SupportsShouldProcess)]
    [OutputType([pscustomobject])]
    param(
        # By property name too: Resolve-DropPath's results (Path) and Explain's (FinalDirectory) pipe in.
        [Parameter(Mandatory, Position = 0, ValueFromPipelineByPropertyName)]
        [Alias('DropPath', 'FinalDirectory')]
        [string] $Path,

        [Parameter(Mandatory, Position = 1, ValueFromPipeline, ParameterSetName = 'Input')]
        [AllowEmptyString()]
        [object] $InputObject,

        [Parameter(Mandatory, ValueFromPipelineByPropertyName, ParameterSetName = 'File')]
        [Alias('FullName', 'PSPath')]
        [string[]] $LiteralPath,

        [object] $Quota,

        [Nullable[DropWatch.QuotaMode]] $QuotaMode,

        [DropWatch.DropOptions] $Options,

        [string] $TempDirectory,

        [string] $Sender,

        [string[]] $Recipient
    )
    begin {
        $failure = $null
        $dropOptions = Get-DropOptions $Options $Quota ([ref]$failure) $QuotaMode $TempDirectory
        if ($failure) { $PSCmdlet.ThrowTerminatingError((New-DropErrorRecord $failure $Quota 'Write-DropMessage')) }
        $envelope = $null
        if ($Sender -or $Recipient) {
            if (-not [DropWatch.Envelope]::TryCreate($Sender, [string[]]$Recipient, [ref]$envelope, [ref]$failure)) {
                $PSCmdlet.ThrowTerminatingError((New-DropErrorRecord $failure $Sender 'Write-DropMessage'))
            }
        }
        $drop = $null
        # The drop directory is opened for the first input and again whenever a piped object names another
        # one. Paths are provider-aware: relative ones resolve against $PWD, PSDrive paths to their target.
        function Open-Target([string] $target) {
            $full = $PSCmdlet.SessionState.Path.GetUnresolvedProviderPathFromPSPath($target)
            if ($drop -and $drop.Path -eq $full) { return }
            if ($drop) { $drop.Dispose(); Set-Variable -Name drop -Value $null -Scope 1 -WhatIf:$false -Confirm:$false }
            $opened = $null
            $why = $null
            if (-not [DropWatch.Drop]::TryOpen($full, $dropOptions, [ref]$opened, [ref]$why)) {
                if ($envelope) { $envelope.Dispose() }
                $PSCmdlet.ThrowTerminatingError((New-DropErrorRecord $why $target 'Write-DropMessage'))
            }
            Set-Variable -Name drop -Value $opened -Scope 1 -WhatIf:$false -Confirm:$false  # not subject to -WhatIf
        }
        $bytes = [System.Collections.Generic.List[byte]]::new()

        function Send-One([object] $item, [object] $target) {
            if (-not $PSCmdlet.ShouldProcess($drop.Path, 'Write a message file')) { return }
            $mo = [DropWatch.MessageOptions]::new()
            $mo.Envelope = $envelope
            $name = $null
            $failure = $null
            if ($item -is [System.IO.FileInfo]) {
                # The library reads the file itself: a missing or unreadable one is a classified failure.
                if ($item.Exists) { $mo.ExpectedSize = [uint64]$item.Length }
                $ok = $drop.TryWriteFile($item.FullName, $mo, [ref]$name, [ref]$failure)
            }
            else {
                if ($item -is [byte[]]) { $data = [byte[]]$item }
                else { $data = [System.Text.UTF8Encoding]::new($false).GetBytes([string]$item) }
                $mo.ExpectedSize = [uint64]$data.Length
                $ok = $drop.TryWrite($data, $mo, [ref]$name, [ref]$failure)
            }
            if (-not $ok) {
                $PSCmdlet.WriteError((New-DropErrorRecord $failure $target 'Write-DropMessage'))
                return
            }
            $full = [System.IO.Path]::Combine($drop.Path, $name)
            [pscustomobject]@{
                PSTypeName    = 'DropWatch.WrittenMessage'
                Name          = $name
                FullName      = $full
                Length        = ([System.IO.FileInfo]::new($full)).Length
                DropDirectory = $drop.Path
            }
        }
    }
    process {
        Open-Target $Path
        if ($PSCmdlet.ParameterSetName -eq 'File') {
            foreach ($p in $LiteralPath) {
                $resolved = $PSCmdlet.SessionState.Path.GetUnresolvedProviderPathFromPSPath($p)
                Send-One ([System.IO.FileInfo]::new($resolved)) $p
            }
            return
        }
        $item = $InputObject
        if ($null -ne $item) { $item = $item.psobject.BaseObject }
        if ($item -is [byte]) { $bytes.Add($item); return }
        if ($null -eq $item) { return }
        Send-One $item $InputObject
    }
    end {
        try {
            if ($bytes.Count -gt 0) { Send-One ($bytes.ToArray()) 'pipeline bytes' }
        }
        finally {
            if ($envelope) { $envelope.Dispose() }
            if ($drop) { $drop.Dispose() }
        }
    }
}

# ---- Format-DropAlert ------------------------------------------------------------------------------------

function Format-DropAlert {
    <#
    .SYNOPSIS
    Formats an Event 8004 alert record ("An I/O exception occurred when writing to the Drop directory").

    .DESCRIPTION
    Builds the alert Exchange raises when a Foreign connector cannot write to its drop directory, as text
    (like an Event Viewer alert), Windows Event XML, one-line JSON or an RFC 5424 syslog line. Every format
    is well-formed whatever the input (values are escaped; invalid text cannot inject a record or field).

    The classification comes from a failed write piped in (an ErrorRecord from Write-DropMessage, a
    DropWatch.DropIOException or a DropWatch.IOErrorInfo), or from -Errno / -Win32Code with -Operation.

    .PARAMETER InputObject
    An ErrorRecord, DropWatch.DropIOException or DropWatch.IOErrorInfo, from the pipeline.

    .PARAMETER Format
    Text (default), Xml, Json or Syslog.

    .PARAMETER Connector
    The Foreign connector's name.

    .PARAMETER DropPath
    The resolved drop directory (default: the failure's path).

    .PARAMETER Root
    RootDropDirectoryPath as configured.

    .PARAMETER DropDirectory
    DropDirectory as configured.

    .PARAMETER Computer
    Computer name (default localhost).

    .PARAMETER ExceptionText
    The I/O exception text (default: derived from the classification).

    .PARAMETER Errno
    Classify from an errno value (when nothing is piped).

    .PARAMETER Win32Code
    Classify from a Win32 error code (when nothing is piped).

    .PARAMETER Operation
    The failing operation for -Errno / -Win32Code (Write by default).

    .PARAMETER Path
    The path involved, for -Errno / -Win32Code.

    .PARAMETER Time
    Event time (default now).

    .PARAMETER RecordId
    EventRecordID to emit.

    .PARAMETER AutoEventId
    Kept for scripts written for earlier versions: the event ID Exchange would log for what it catches
    (8005 quota, 8007 path too long, 8008 missing directory, 8009 access denied, else 8004) is the default.

    .PARAMETER Force8004
    Always use event ID 8004 (for monitors that want one event ID).

    .PARAMETER ExchangeVersion
    2007 (default), 2010, 2013, 2016, 2019 or SE: the management pack whose rule metadata the record carries
    (2007 pack for 2007, 2010 pack for later versions) and the cmdlet its explanation names.

    .PARAMETER SyslogFacility
    RFC 5424 facility number, 0 to the library's DW_SYSLOG_FACILITY_MAX (default: the library's, local0).

    .PARAMETER AppName
    Syslog APP-NAME (default dropwatch).

    .OUTPUTS
    [string] The formatted record.

    .EXAMPLE
    Write-DropMessage -Path /srv/drop -InputObject 'x' -ErrorAction SilentlyContinue -ErrorVariable failed; $failed | Format-DropAlert -Connector 'Fax' -Format Json

    Turns a failed guarded write into a JSON alert.

    .EXAMPLE
    Format-DropAlert -Errno 28 -Path 'D:\Exchange\Drop' -Connector 'Fax' -Format Syslog

    A syslog line for "disk full".
    #>
    [CmdletBinding(DefaultParameterSetName = 'Errno')]
    [OutputType([string])]
    param(
        [Parameter(Mandatory, ValueFromPipeline, ParameterSetName = 'Input')]
        [object] $InputObject,

        [DropWatch.AlertFormat] $Format = 'Text',

        [Parameter(ValueFromPipelineByPropertyName)]
        [Alias('Name', 'Identity')]
        [string] $Connector,
        [string] $DropPath,
        [Parameter(ValueFromPipelineByPropertyName)]
        [Alias('RootDropDirectoryPath')]
        [string] $Root,
        [Parameter(ValueFromPipelineByPropertyName)]
        [string] $DropDirectory,
        [string] $Computer,
        [string] $ExceptionText,

        [Parameter(ParameterSetName = 'Errno')]
        [int] $Errno = 0,
        [Parameter(Mandatory, ParameterSetName = 'Win32')]
        [uint32] $Win32Code,
        [Parameter(ParameterSetName = 'Errno')]
        [Parameter(ParameterSetName = 'Win32')]
        [DropWatch.IOOperation] $Operation = 'Write',
        [Parameter(ParameterSetName = 'Errno')]
        [Parameter(ParameterSetName = 'Win32')]
        [string] $Path,

        [DateTimeOffset] $Time,
        [uint64] $RecordId,
        [switch] $AutoEventId,
        [switch] $Force8004,
        # 2007, 2010, 2013, 2016, 2019 or SE: the library's table decides.
        [ValidateScript({ $null = [DropWatch.DropPath]::ParseExchangeVersion($_); $true })]
        [string] $ExchangeVersion = '2007',
        # 0 to 23: the library's range; unset: its default (local0).
        [ValidateScript({ [DropWatch.Alert]::IsValidSyslogFacility($_) })]
        [int] $SyslogFacility,
        [string] $AppName
    )
    process {
        $info = $null
        switch ($PSCmdlet.ParameterSetName) {
                'Input' {
                    $o = $InputObject
                    if ($null -ne $o) { $o = $o.psobject.BaseObject }
                    if ($o -is [System.Management.Automation.ErrorRecord]) { $o = $o.Exception }
                    while ($o -is [Exception] -and -not ($o -is [DropWatch.DropIOException]) -and $o.InnerException) { $o = $o.InnerException }
                    if ($o -is [DropWatch.DropIOException]) { $info = $o.Error }
                    elseif ($o -is [DropWatch.IOErrorInfo]) { $info = $o }
                    else {
                        $e = [System.ArgumentException]::new("Format-DropAlert needs a DropWatch failure (ErrorRecord, DropIOException or IOErrorInfo), not '$($InputObject.GetType().FullName)'", 'InputObject')
                        $PSCmdlet.WriteError((New-DropErrorRecord $e $InputObject 'Format-DropAlert'))
                        return
                    }
                }
                'Win32' { $info = [DropWatch.IOErrorInfo]::FromWin32($Win32Code, $Operation, $Path) }
                default {
                    if ($Errno -ne 0) { $info = [DropWatch.IOErrorInfo]::FromErrno($Errno, $Operation, $Path) }
                }
            }
            $alert = [DropWatch.Alert]::new()
            $alert.Error = $info
            $alert.Connector = $Connector
            if ($DropPath) { $alert.DropPath = $DropPath } elseif ($info -and $info.Path) { $alert.DropPath = $info.Path }
            $alert.Root = $Root
            $alert.DropDirectory = $DropDirectory
            if ($Computer) { $alert.Computer = $Computer }
            if ($ExceptionText) { $alert.ExceptionText = $ExceptionText }
            if ($PSBoundParameters.ContainsKey('Time')) { $alert.Time = $Time }
            if ($PSBoundParameters.ContainsKey('RecordId')) { $alert.RecordId = $RecordId }
            if ($Force8004) { $alert.EventMode = [DropWatch.AlertEventMode]::Event8004 }
            $alert.ExchangeVersion = [DropWatch.DropPath]::ParseExchangeVersion($ExchangeVersion)
            if ($PSBoundParameters.ContainsKey('SyslogFacility')) { $alert.SyslogFacility = $SyslogFacility }
            if ($AppName) { $alert.AppName = $AppName }
            $text = $null
            $failure = $null
            if ($alert.TryFormat($Format, [ref]$text, [ref]$failure)) { $text }
            else { $PSCmdlet.WriteError((New-DropErrorRecord $failure $InputObject 'Format-DropAlert')) }
    }
}

# ---- Get-DropIOClass -------------------------------------------------------------------------------------

function Get-DropIOClass {
    <#
    .SYNOPSIS
    Classifies an errno value or a Win32 error code into libdropwatch's I/O failure classes.

    .DESCRIPTION
    Tells which class a failure belongs to (PhysicalDisk, LogicalDisk, Transient, Capacity, Access,
    Configuration, Remote), whether a retry may help, what the operator should do, and which exception a
    guarded write raises for it. Classification is a pure function, so Win32 codes that Exchange logged can
    be classified on any platform. Unknown codes fall back to PhysicalDisk (Known is then False).

    .PARAMETER Errno
    errno value(s). Accepts pipeline input (the default for piped numbers).

    .PARAMETER Win32Code
    Win32 error code(s) (winerror.h), e.g. 112 or 0x70. Binds the Win32Code property of piped objects.

    .OUTPUTS
    DropWatch.IOClassification (Kind, Code, Name, Known, IOClass, ClassName, Description, UserAction,
    Retryable, ExceptionType, Win32Equivalent).

    .EXAMPLE
    Get-DropIOClass -Errno 28

    ENOSPC: Capacity, retryable after space is freed.

    .EXAMPLE
    112, 5, 53 | ForEach-Object { Get-DropIOClass -Win32Code $_ } | Format-Table Name, IOClass, Retryable

    ERROR_DISK_FULL, ERROR_ACCESS_DENIED, ERROR_BAD_NETPATH.
    #>
    [CmdletBinding(DefaultParameterSetName = 'Errno')]
    [OutputType([DropWatch.IOClassification])]
    param(
        [Parameter(Mandatory, Position = 0, ValueFromPipeline, ValueFromPipelineByPropertyName, ParameterSetName = 'Errno')]
        [int[]] $Errno,

        [Parameter(Mandatory, ValueFromPipelineByPropertyName, ParameterSetName = 'Win32')]
        [Alias('Win32')]
        [uint32[]] $Win32Code
    )
    process {
        if ($PSCmdlet.ParameterSetName -eq 'Win32') {
            foreach ($c in $Win32Code) { [DropWatch.IOClassifier]::ClassifyWin32($c) }
        }
        else {
            foreach ($e in $Errno) {
                if ($e -lt 0) {
                    $err = [System.ArgumentOutOfRangeException]::new('Errno', $e, 'errno values are positive')
                    $PSCmdlet.WriteError((New-DropErrorRecord $err $e 'Get-DropIOClass'))
                    continue
                }
                [DropWatch.IOClassifier]::ClassifyErrno($e)
            }
        }
    }
}

# ---- Test-DropHealth -------------------------------------------------------------------------------------

function Test-DropHealth {
    <#
    .SYNOPSIS
    Probes the health of a drop directory.

    .DESCRIPTION
    Checks that the drop directory exists and is a directory (not a symlink), measures free space, quota
    use and stale temporary files left by crashed writers, and performs a canary guarded write that is
    removed afterwards. Outputs one result per directory; an unhealthy directory is a result (IsHealthy
    False, Error holding the classified failure), not an error record.

    .PARAMETER Path
    Drop directories to probe. Accepts pipeline input (by value, or FullName / DropPath by property name).

    .PARAMETER Quota
    DropDirectoryQuota to check usage against (bytes or text such as '10MB').

    .PARAMETER StaleAgeSeconds
    Age after which a temporary file counts as stale (default: the library's, one hour).

    .PARAMETER TempDirectory
    The writers' temporary directory (see Write-DropMessage): its temporary files are counted, and the
    canary write goes through it.

    .PARAMETER Quiet
    Output only $true or $false per directory.

    .OUTPUTS
    DropWatch.DropHealth, or [bool] with -Quiet.

    .EXAMPLE
    Test-DropHealth -Path /var/spool/exchange/Drop

    .EXAMPLE
    Get-ChildItem /srv/drops -Directory | Test-DropHealth | Where-Object { -not $_.IsHealthy }
    #>
    [CmdletBinding()]
    [OutputType([DropWatch.DropHealth], [bool])]
    param(
        [Parameter(Mandatory, Position = 0, ValueFromPipeline, ValueFromPipelineByPropertyName)]
        [Alias('FullName', 'DropPath')]
        [string[]] $Path,

        [object] $Quota,

        [uint32] $StaleAgeSeconds = [DropWatch.Drop]::DefaultStaleAgeSeconds,

        [string] $TempDirectory,

        [switch] $Quiet
    )
    process {
        foreach ($p in $Path) {
            $failure = $null
            $options = Get-DropOptions $null $Quota ([ref]$failure) $null $TempDirectory
            if ($failure) {
                $PSCmdlet.WriteError((New-DropErrorRecord $failure $Quota 'Test-DropHealth'))
                continue
            }
            # Health never throws for I/O: failures are in the result.
            $health = [DropWatch.Drop]::Health($p, $options, $StaleAgeSeconds)
            if ($Quiet) { $health.IsHealthy } else { $health }
        }
    }
}

# ---- Remove-DropStaleFile --------------------------------------------------------------------------------

function Remove-DropStaleFile {
    <#
    .SYNOPSIS
    Removes temporary files left in a drop directory by crashed writers.

    .DESCRIPTION
    Removes libdropwatch's temporary files (".dwtmp-*.tmp") older than -OlderThan. Never touches any other
    file: published messages and foreign files stay. Supports -WhatIf and -Confirm.

    .PARAMETER Path
    Drop directories to sweep. Accepts pipeline input (by value, or FullName / DropPath by property name).

    .PARAMETER OlderThan
    Minimum age of a temporary file to remove (default: the library's, one hour). Zero removes every temporary file.

    .PARAMETER TempDirectory
    The writers' temporary directory (see Write-DropMessage): swept as well.

    .OUTPUTS
    One object per directory: Path, Removed (number of files removed).

    .EXAMPLE
    Remove-DropStaleFile -Path /var/spool/exchange/Drop -OlderThan (New-TimeSpan -Minutes 10)

    .EXAMPLE
    Get-ChildItem /srv/drops -Directory | Remove-DropStaleFile -WhatIf
    #>
    [CmdletBinding(SupportsShouldProcess, ConfirmImpact = 'Medium')]
    [OutputType([pscustomobject])]
    param(
        [Parameter(Mandatory, Position = 0, ValueFromPipeline, ValueFromPipelineByPropertyName)]
        [Alias('FullName', 'DropPath')]
        [string[]] $Path,

        [TimeSpan] $OlderThan = [TimeSpan]::FromSeconds([DropWatch.Drop]::DefaultStaleAgeSeconds),

        [string] $TempDirectory
    )
    process {
        foreach ($p in $Path) {
            if (-not $PSCmdlet.ShouldProcess($p, "Remove temporary files older than $OlderThan")) { continue }
            $drop = $null
            $failure = $null
            $removed = [uint64]0
            $sweepOptions = $null
            if ($TempDirectory) { $sweepOptions = [DropWatch.DropOptions]::new(); $sweepOptions.TempDir = $TempDirectory }
            if (-not [DropWatch.Drop]::TryOpen($p, $sweepOptions, [ref]$drop, [ref]$failure)) {
                $PSCmdlet.WriteError((New-DropErrorRecord $failure $p 'Remove-DropStaleFile'))
                continue
            }
            try {
                if ($drop.TrySweep($OlderThan, [ref]$removed, [ref]$failure)) {
                    [pscustomobject]@{ PSTypeName = 'DropWatch.SweepResult'; Path = $drop.Path; Removed = $removed }
                }
                else { $PSCmdlet.WriteError((New-DropErrorRecord $failure $p 'Remove-DropStaleFile')) }
            }
            finally { $drop.Dispose() }
        }
    }
}

# ---- Receive-DropMessage -----------------------------------------------------------------------------------

function Receive-DropMessage {
    <#
    .SYNOPSIS
    Takes the ready messages out of a drop directory and emits one object per message.

    .DESCRIPTION
    The gateway's side of a drop directory. Each ready message (oldest first) is claimed atomically (two
    pickers never get the same one), emitted as an object with its envelope and MIME content, and
    acknowledged (deleted, or moved to -ArchiveDirectory) once the rest of the pipeline has processed the
    object without a terminating error. When the pipeline fails or is stopped, the message is put back.
    Files Exchange left incomplete are quarantined in .dwpickup/quarantine and reported as warnings.

    .PARAMETER Path
    The drop directory.

    .PARAMETER Follow
    Keep waiting for new messages (inotify on Linux) until the pipeline is stopped (Ctrl+C).

    .PARAMETER First
    Stop after this many messages.

    .PARAMETER ArchiveDirectory
    Move acknowledged messages into this subdirectory of the drop directory instead of deleting them.

    .PARAMETER NoAcknowledge
    Put every message back after emitting it (a dry run that leaves the directory as it was).

    .PARAMETER SettleMilliseconds
    Age before a file whose length cannot be verified (no envelope) counts as ready (default: the library's).

    .PARAMETER IncompleteAfterSeconds
    Age after which a short or malformed file is quarantined (default: the library's).

    .OUTPUTS
    DropWatch.DropMessage objects: Name, Sender, SenderParameters, Recipients, Mime (bytes), Body (the MIME
    text, UTF-8), MimeSize, Redelivered (True when possibly handed on before by a crashed picker), DropPath.

    .EXAMPLE
    Receive-DropMessage /var/spool/exchange/Fax | ForEach-Object { Send-Fax -To $_.Recipients -Body $_.Body }

    .EXAMPLE
    Receive-DropMessage /srv/drop -First 10 -NoAcknowledge | Select-Object Name, Sender, MimeSize
    #>
    [CmdletBinding()]
    [OutputType([pscustomobject])]
    param(
        [Parameter(Mandatory, Position = 0, ValueFromPipelineByPropertyName)]
        [Alias('FullName', 'DropPath')]
        [string] $Path,

        [switch] $Follow,

        [ValidateRange(1, [int]::MaxValue)]
        [int] $First = [int]::MaxValue,

        [string] $ArchiveDirectory,

        [switch] $NoAcknowledge,

        [uint32] $SettleMilliseconds,

        [uint32] $IncompleteAfterSeconds
    )
    process {
        # Unset: the library's defaults (dw_pickup_options_init, through PickupOptions).
        $o = [DropWatch.PickupOptions]::new()
        if ($PSBoundParameters.ContainsKey('SettleMilliseconds')) { $o.SettleMilliseconds = $SettleMilliseconds }
        if ($PSBoundParameters.ContainsKey('IncompleteAfterSeconds')) { $o.IncompleteAfterSeconds = $IncompleteAfterSeconds }
        if ($ArchiveDirectory) { $o.ArchiveDirectory = $ArchiveDirectory }
        $pickup = $null
        $failure = $null
        if (-not [DropWatch.Pickup]::TryOpen($Path, $o, [ref]$pickup, [ref]$failure)) {
            $PSCmdlet.WriteError((New-DropErrorRecord $failure $Path 'Receive-DropMessage'))
            return
        }
        $done = 0
        $reported = 0
        # Without acknowledgement every message comes straight back: stop at the first one seen twice.
        $seen = [System.Collections.Generic.HashSet[string]]::new()
        try {
            while ($done -lt $First) {
                $msg = $null
                $ok = $pickup.TryNext([ref]$msg, [ref]$failure)
                while ($reported -lt $pickup.Quarantined.Count) {
                    $q = $pickup.Quarantined[$reported]
                    Write-Warning "Quarantined $($q.Name): $($q.Text)"
                    $reported++
                }
                if (-not $ok) {
                    $PSCmdlet.WriteError((New-DropErrorRecord $failure $Path 'Receive-DropMessage'))
                    break
                }
                if ($null -eq $msg) {
                    if (-not $Follow) { break }
                    $pickup.Wait([DropWatch.Pickup]::DefaultWait)
                    continue
                }
                if ($NoAcknowledge -and -not $seen.Add($msg.Name)) {
                    $null = $msg.TryRelease([ref]$failure)
                    break
                }
                $decided = $false
                try {
                    $mime = $msg.ReadAll()
                    $PSCmdlet.WriteObject([pscustomobject]@{
                            PSTypeName       = 'DropWatch.DropMessage'
                            Name             = $msg.Name
                            Sender           = $msg.Sender
                            SenderParameters = $msg.SenderParameters
                            Recipients       = $msg.Recipients
                            Mime             = $mime
                            Body             = [System.Text.Encoding]::UTF8.GetString($mime)
                            MimeSize         = $msg.MimeSize
                            Redelivered      = $msg.Redelivered
                            DropPath         = $pickup.Path
                        })
                    # The downstream commands processed the object: hand-on done.
                    if ($NoAcknowledge) { $ok = $msg.TryRelease([ref]$failure) } else { $ok = $msg.TryAck([ref]$failure) }
                    $decided = $true
                    if (-not $ok) { $PSCmdlet.WriteError((New-DropErrorRecord $failure $msg.Name 'Receive-DropMessage')) }
                    $done++
                }
                finally {
                    # A terminating error downstream, or Ctrl+C: the message goes back.
                    if (-not $decided -and -not $msg.Done) { $null = $msg.TryRelease([ref]$failure) }
                }
            }
        }
        finally {
            $pickup.Dispose()
        }
    }
}

Export-ModuleMember -Function Resolve-DropPath, Test-DropDirectory, Write-DropMessage, Format-DropAlert,
    Get-DropIOClass, Test-DropHealth, Remove-DropStaleFile, Receive-DropMessage
