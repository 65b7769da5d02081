/* SPDX-License-Identifier: MIT */
/*
 * Minimal reproducer (hostile directories): a temporary file replaced by a symlink between
 * dw_msg_write() and dw_msg_commit() is published as a "*.eml" symlink pointing outside the drop
 * directory, and the commit reports success although the message bytes are gone (they live in the
 * unlinked temporary inode). Expected: the commit fails (or publishes the file it wrote), never a symlink.
 * Exit 0 when the library behaves, 1 when it publishes the symlink.
 */
#ifdef HAVE_CONFIG_H
#include <config.h>
#endif
#include "dropwatch.h"
#include "../rel_common.h"

int main(void)
{
    char dir[] = "repro-XXXXXX";
    REL_CHECK(mkdtemp(dir) != NULL, "mkdtemp");
    dw_drop *drop = NULL;
    dw_msg *m = NULL;
    dw_io_error err;
    REL_CHECK(dw_drop_open(&drop, dir, NULL, &err) == DW_OK && dw_msg_begin(drop, &m, NULL, &err) == DW_OK &&
                  dw_msg_write(m, "Subject: hello\r\n\r\nbody\r\n", 24, &err) == DW_OK,
              "setup");
    DIR *d = opendir(dir);
    struct dirent *e;
    char tmp[300] = "";
    while ((e = readdir(d)) != NULL)
        if (rel_is_temp(e->d_name))
            snprintf(tmp, sizeof tmp, "%s/%s", dir, e->d_name);
    closedir(d);
    REL_CHECK(tmp[0] && unlink(tmp) == 0 && symlink("/etc/passwd", tmp) == 0, "swap the temporary for a symlink");
    char name[DW_FILE_NAME_MAX] = "";
    dw_status st = dw_msg_commit(m, name, sizeof name, NULL, &err);
    int bad = 0;
    if (st == DW_OK) {
        char path[400];
        struct stat sb;
        snprintf(path, sizeof path, "%s/%s", dir, name);
        bad = lstat(path, &sb) == 0 && S_ISLNK(sb.st_mode);
        printf("commit: DW_OK, '%s' is %s\n", name, bad ? "a symlink to /etc/passwd (message lost)" : "a regular file");
    } else {
        printf("commit: %s class %s (refused: good)\n", dw_status_name(st), dw_class_name(err.io_class));
    }
    dw_drop_close(drop);
    rel_rm_rf(dir);
    return bad;
}
