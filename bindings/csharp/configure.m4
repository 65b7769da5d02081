dnl SPDX-License-Identifier: MIT
dnl C# binding (SWIG) and the PowerShell module built on it. See bindings/csharp/ and bindings/powershell/.
dnl   --enable-csharp=yes   required: configure fails when dotnet, swig or a shared libdropwatch is missing,
dnl                          and the C#/PowerShell tests FAIL (never skip) when a toolchain is missing.
dnl   --enable-csharp=auto  (default) built when dotnet and swig are found.
dnl   --enable-csharp=no    not built.
AC_ARG_ENABLE([csharp],
  [AS_HELP_STRING([--enable-csharp], [build the SWIG C# binding and PowerShell module (yes: required, auto: when dotnet is found)])],
  [], [enable_csharp=auto])
AC_ARG_VAR([DOTNET], [the .NET SDK driver (dotnet) used to build the C# binding])
AC_ARG_VAR([PWSH], [PowerShell 7.6 used by the PowerShell tests (default: <srcdir>/.tools/pwsh/pwsh, then PATH)])
dw_csharp_status=disabled
dw_csharp_enabled=no
dw_csharp_required=no
AS_CASE([$enable_csharp],
  [yes], [dw_csharp_required=yes],
  [no|auto], [],
  [AC_MSG_ERROR([bad value '$enable_csharp' for --enable-csharp (yes, no, auto)])])
AS_IF([test "x$enable_csharp" != xno], [
  AC_PATH_PROG([DOTNET], [dotnet], [])
  dw_csharp_missing=
  AS_IF([test -z "$DOTNET"], [dw_csharp_missing="dotnet (the .NET 10 SDK)"])
  AS_IF([test -z "$SWIG"], [dw_csharp_missing="$dw_csharp_missing${dw_csharp_missing:+, }swig"])
  AS_IF([test "x$enable_shared" = xno], [dw_csharp_missing="$dw_csharp_missing${dw_csharp_missing:+, }a shared libdropwatch (--enable-shared)"])
  AS_IF([test -n "$dw_csharp_missing"], [
    AS_IF([test "x$dw_csharp_required" = xyes],
      [AC_MSG_ERROR([--enable-csharp given but $dw_csharp_missing not found])])
    dw_csharp_status="disabled (missing $dw_csharp_missing)"
  ], [
    dw_csharp_enabled=yes
    dw_csharp_status="enabled ($DOTNET)"
  ])
])
AM_CONDITIONAL([ENABLE_CSHARP], [test "x$dw_csharp_enabled" = xyes])
AC_SUBST([DW_CSHARP_ENABLED], [$dw_csharp_enabled])
AC_SUBST([DW_CSHARP_REQUIRED], [$dw_csharp_required])
AC_SUBST([DW_CSHARP_STATUS])
dnl pwsh is looked up again at test time (tests/powershell/run-pester.sh): $PWSH, <srcdir>/.tools/pwsh/pwsh
dnl (bindings/powershell/install-pwsh.sh puts it there), then PATH. Remember an absolute one found now.
AS_IF([test -z "$PWSH"], [
  dw_abs_srcdir=`cd "$srcdir" && pwd`
  for dw_p in "$dw_abs_srcdir/.tools/pwsh/pwsh" "$dw_abs_srcdir/../../.tools/pwsh/pwsh"; do
    AS_IF([test -x "$dw_p"], [PWSH=$dw_p; break])
  done])
AS_IF([test -z "$PWSH"], [AC_PATH_PROG([PWSH], [pwsh], [])])
AS_IF([test "x$dw_csharp_enabled" = xyes],
  [dw_csharp_status="$dw_csharp_status, pwsh: ${PWSH:-not found (run bindings/powershell/install-pwsh.sh)}"])
DW_CSHARP_STATUS=$dw_csharp_status
