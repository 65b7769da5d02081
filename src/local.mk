# SPDX-License-Identifier: MIT
# The dropwatch command-line tool. It uses the public API only (no -I lib): escaping and UTF-8 come from
# dropwatch/text.h. Linked with the library's objects by default, with the shared libdropwatch on Windows
# or with configure --disable-static-cli.
bin_PROGRAMS += src/dropwatch
src_dropwatch_SOURCES = \
	src/dropwatch.c src/cli.h \
	src/cli_util.c src/cli_out.c src/cli_config.c src/cli_target.c \
	src/cmd_resolve.c src/cmd_validate.c src/cmd_deliver.c src/cmd_check.c src/cmd_alert.c \
	src/cmd_demo.c src/cmd_eventlog.c src/cli_complete.c src/cmd_pickup.c src/cli_compat.h
# Monitoring outputs (metrics, plugin mode) and the terminal progress line.
src_dropwatch_SOURCES += \
	src/cli_monitor.h src/cli_metrics.c src/cli_plugin.c src/cli_progress.h src/cli_progress.c
if DW_WINDOWS
src_dropwatch_SOURCES += src/cli_win32.c
endif
src_dropwatch_CPPFLAGS = $(AM_CPPFLAGS)
if DW_STATIC_CLI
# The library's objects linked in (configure --disable-static-cli: the shared library): one process per
# message pays no loading and symbol binding of libdropwatch.so (doc/performance.md, section 8). Still the
# public API only.
src_dropwatch_LDADD = lib/libdropwatch_core.la $(DW_PLATFORM_LIBS) $(DW_CLI_PLATFORM_LIBS)
# And, unless configure --disable-static-libc (or the toolchain cannot), the C library too, as a static PIE:
# the dynamic loader's work is most of a start-up (configure.ac says why and when).
src_dropwatch_LDFLAGS = $(AM_LDFLAGS) $(DW_CLI_LDFLAGS)
else
src_dropwatch_LDADD = lib/libdropwatch.la $(DW_PLATFORM_LIBS) $(DW_CLI_PLATFORM_LIBS)
endif

if DW_STATIC_LIBC
# The same objects linked against the shared C library, as --disable-static-libc (and the Debian package)
# builds the program; not installed. tests/cli/test_valgrind.sh runs it (valgrind cannot follow a static
# program's allocator), tests/cli/test_linkage.sh compares the two, and make bench's section 8 measures both
# (and loads its LD_PRELOAD shim into this one).
noinst_PROGRAMS += src/dropwatch-shared-libc
endif
src_dropwatch_shared_libc_SOURCES =
src_dropwatch_shared_libc_LDADD = $(src_dropwatch_OBJECTS) $(src_dropwatch_LDADD)

# The README's first command (tools/demo.sh) and the package installer it shares with CI (tools/deps.sh)
# ship in the tarball too.
EXTRA_DIST += tools/demo.sh tools/deps.sh

# Shell completion, generated from the CLI's own option tables by the hidden "dropwatch completion"
# command (src/cli_complete.c), installed where bash-completion and zsh look. Debian installs the zsh file
# into /usr/share/zsh/vendor-completions (debian/rules sets zshcompletiondir).
bashcompletiondir = $(datadir)/bash-completion/completions
zshcompletiondir = $(datadir)/zsh/site-functions
# Not for a Windows build (no bash or zsh there, and a cross-built program cannot run at build time).
if !DW_WINDOWS
nodist_bashcompletion_DATA = src/completion/dropwatch
nodist_zshcompletion_DATA = src/completion/_dropwatch
endif
src/completion/dropwatch: src/dropwatch$(EXEEXT)
	$(AM_V_GEN)$(MKDIR_P) src/completion && src/dropwatch$(EXEEXT) completion bash > $@.tmp && mv -f $@.tmp $@
src/completion/_dropwatch: src/dropwatch$(EXEEXT)
	$(AM_V_GEN)$(MKDIR_P) src/completion && src/dropwatch$(EXEEXT) completion zsh > $@.tmp && mv -f $@.tmp $@
CLEANFILES += src/completion/dropwatch src/completion/_dropwatch
