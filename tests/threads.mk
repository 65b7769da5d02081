# SPDX-License-Identifier: MIT
# Thread safety (doc/thread-safety.md): one dw_drop shared by several threads, as built and under
# ThreadSanitizer (tests/threads/tsan.sh compiles it with clang -fsanitize=thread).
check_PROGRAMS += tests/threads/shared_drop
tests_threads_shared_drop_SOURCES = tests/threads/shared_drop.c
tests_threads_shared_drop_LDADD = lib/libdropwatch.la -lpthread
TESTS += tests/threads/shared_drop tests/threads/tsan.sh
EXTRA_DIST += tests/threads/tsan.sh tests/no-aslr.sh doc/thread-safety.md
CLEANFILES += tests/threads/shared_drop_tsan
