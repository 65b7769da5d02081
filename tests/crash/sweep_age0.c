/* SPDX-License-Identifier: MIT */
/*
 * Minimal reproducer: dw_drop_sweep(drop, 0, ...) must remove every temporary file a crashed writer
 * left, including one created less than a second ago ("older than 0 seconds" is every file). A child
 * begins a message and dies without committing or aborting; the parent sweeps with age 0 at once.
 */
#ifdef HAVE_CONFIG_H
#include <config.h>
#endif
#include <sys/wait.h>

#include "dropwatch.h"
#include "../rel_common.h"

int main(void)
{
    char dir[] = "sweep0-XXXXXX";
    REL_CHECK(mkdtemp(dir) != NULL, "mkdtemp: %s", strerror(errno));
    pid_t pid = rel_fork();
    REL_CHECK(pid >= 0, "fork");
    if (pid == 0) {
        dw_drop *drop = NULL;
        dw_msg *m = NULL;
        if (dw_drop_open(&drop, dir, NULL, NULL) != DW_OK || dw_msg_begin(drop, &m, NULL, NULL) != DW_OK ||
            dw_msg_write(m, "partial", 7, NULL) != DW_OK)
            _exit(2);
        _exit(0); /* crash: neither commit nor abort */
    }
    int status;
    REL_CHECK(waitpid(pid, &status, 0) == pid && WIFEXITED(status) && WEXITSTATUS(status) == 0, "writer failed");

    dw_drop *drop = NULL;
    dw_io_error err;
    REL_CHECK(dw_drop_open(&drop, dir, NULL, &err) == DW_OK, "dw_drop_open");
    uint64_t removed = 99;
    REL_CHECK(dw_drop_sweep(drop, 0, &removed, &err) == DW_OK, "dw_drop_sweep");
    unsigned left = 0;
    DIR *d = opendir(dir);
    struct dirent *e;
    while ((e = readdir(d)) != NULL)
        left += rel_is_temp(e->d_name);
    closedir(d);
    dw_drop_close(drop);
    rel_rm_rf(dir);
    printf("age-0 sweep removed %" PRIu64 " temporary file(s), %u left\n", removed, left);
    REL_CHECK(removed == 1 && left == 0, "a fresh temporary survived dw_drop_sweep(drop, 0)");
    return 0;
}
