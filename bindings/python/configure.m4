dnl Python binding (SWIG). Filled in by the Python binding work; see bindings/python/.
AC_ARG_ENABLE([python],
  [AS_HELP_STRING([--enable-python], [build the SWIG Python binding (yes: required, auto: when found)])],
  [], [enable_python=auto])
dw_python_status=disabled
AM_CONDITIONAL([ENABLE_PYTHON], [false])
