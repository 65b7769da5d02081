dnl C# binding (SWIG) and the PowerShell module. Filled in by the C# binding work; see bindings/csharp/.
AC_ARG_ENABLE([csharp],
  [AS_HELP_STRING([--enable-csharp], [build the SWIG C# binding and PowerShell module (yes: required, auto: when dotnet is found)])],
  [], [enable_csharp=auto])
dw_csharp_status=disabled
AM_CONDITIONAL([ENABLE_CSHARP], [false])
