# The dropwatch command-line tool, linked against the installed (shared) libdropwatch. It also compiles
# lib/utf8.c, the project's strict UTF-8 decoder, for escaping output: that helper is internal to the
# library and not exported.
bin_PROGRAMS += src/dropwatch
src_dropwatch_SOURCES = \
	src/dropwatch.c src/cli.h \
	src/cli_util.c src/cli_out.c src/cli_config.c src/cli_target.c \
	src/cmd_resolve.c src/cmd_validate.c src/cmd_deliver.c src/cmd_check.c src/cmd_alert.c \
	src/cmd_demo.c src/cli_compat.h \
	lib/utf8.c lib/utf8.h
if DW_WINDOWS
src_dropwatch_SOURCES += src/cli_win32.c
endif
# Monitoring outputs (metrics, plugin mode) and the terminal progress line.
src_dropwatch_SOURCES += \
	src/cli_monitor.h src/cli_metrics.c src/cli_plugin.c src/cli_progress.h src/cli_progress.c
src_dropwatch_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/lib
src_dropwatch_LDADD = lib/libdropwatch.la $(DW_PLATFORM_LIBS) $(DW_CLI_PLATFORM_LIBS)

# The README's first command (tools/demo.sh) and the package installer it shares with CI (tools/deps.sh)
# ship in the tarball too.
EXTRA_DIST += tools/demo.sh tools/deps.sh
