# SPDX-License-Identifier: MIT
# Sources of tools/test-all.d/25-dotnet-windows.sh (issue 15): the NuGet consumer project, the .NET
# Path.Combine / GetFullPath oracle with its corpus, the xunit.v3 build of tests/csharp/ for win-x64, and
# the PowerShell 7.6.9 host for Windows (Microsoft.PowerShell.SDK) with the module script it runs.
EXTRA_DIST += \
	tests/dotnet-windows/path_corpus.py \
	tests/dotnet-windows/explain_tool.c \
	tests/dotnet-windows/oracle/PathOracle.csproj \
	tests/dotnet-windows/oracle/Program.cs \
	tests/dotnet-windows/consumer/Consumer.csproj \
	tests/dotnet-windows/consumer/Program.cs \
	tests/dotnet-windows/xunit/DropWatch.WinTests.csproj \
	tests/dotnet-windows/pwsh-host/PwshHost.csproj \
	tests/dotnet-windows/pwsh-host/Program.cs \
	tests/dotnet-windows/module-windows.ps1
