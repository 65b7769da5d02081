/* SPDX-License-Identifier: MIT */
/*
 * bench/nodirsync.c - an LD_PRELOAD shim for bench/peers.py only (section 8): fsync() and fdatasync() of a
 * directory return 0 without flushing anything; every other descriptor is flushed as usual. Under it
 * `dropwatch deliver` makes safecat's promise (the file's data flushed before it is published, its new name
 * not), so the two can be compared like for like beside the real, stronger figure. Never for production:
 * a name that is not flushed can vanish on power loss after the delivery reported success.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <sys/stat.h>
#include <unistd.h>

typedef int (*sync_fn)(int);

/* A directory: 0 without flushing. Anything else: the real function, looked up once. */
static int flush_unless_dir(int fd, const char *symbol, sync_fn *real)
{
    struct stat st;
    if (fstat(fd, &st) == 0 && S_ISDIR(st.st_mode))
        return 0;
    if (!*real)
        *real = (sync_fn)dlsym(RTLD_NEXT, symbol);
    return (*real)(fd);
}

int fsync(int fd)
{
    static sync_fn real;
    return flush_unless_dir(fd, "fsync", &real);
}

int fdatasync(int fd)
{
    static sync_fn real;
    return flush_unless_dir(fd, "fdatasync", &real);
}
