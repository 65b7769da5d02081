dnl SPDX-License-Identifier: MIT
# AX_DW_CFLAG(FLAG, VARIABLE): append FLAG to VARIABLE when the C compiler accepts it.
AC_DEFUN([AX_DW_CFLAG], [
  AS_VAR_PUSHDEF([dw_var], [dw_cv_cflag_$1])
  AC_CACHE_CHECK([whether $CC accepts $1], [dw_var], [
    dw_save_CFLAGS=$CFLAGS
    CFLAGS="$CFLAGS -Werror $1"
    AC_COMPILE_IFELSE([AC_LANG_PROGRAM([], [])], [AS_VAR_SET([dw_var], [yes])], [AS_VAR_SET([dw_var], [no])])
    CFLAGS=$dw_save_CFLAGS])
  AS_VAR_IF([dw_var], [yes], [$2="$$2 $1"])
  AS_VAR_POPDEF([dw_var])
])
