/* SPDX-License-Identifier: MIT */
/* Line protocol for tests/dotnet-windows/path_corpus.py: the corpus is compared with the library through its
 * public header, so the comparison never mirrors a struct layout by hand (ctypes copies of
 * dw_resolve_options and dw_explain_info broke when those structs grew).
 *   "E <root hex> <value hex>"  ->  "<status> <warnings> <path hex>"   (dw_path_explain, Windows style)
 *   "F <path hex> <cwd hex>"    ->  "<status> 0 <path hex>"            (dw_path_full)
 * An empty string is sent as "-". One answer line per request, flushed at once. The first line out names
 * the warning bits the comparison needs: "combine-fails <bit>", then "no-drop-directory <bit>". */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <dropwatch.h>

static char *unhex(const char *h)
{
    if (strcmp(h, "-") == 0)
        h = "";
    size_t n = strlen(h) / 2;
    char *s = malloc(n + 1);
    if (!s)
        exit(2);
    for (size_t i = 0; i < n; i++) {
        unsigned v;
        if (sscanf(h + 2 * i, "%2x", &v) != 1)
            exit(2);
        s[i] = (char)v;
    }
    s[n] = '\0';
    return s;
}

static void answer(int st, unsigned warnings, const char *path)
{
    printf("%d %u ", st, warnings);
    if (!*path)
        putchar('-');
    for (const unsigned char *p = (const unsigned char *)path; *p; p++)
        printf("%02x", *p);
    putchar('\n');
    fflush(stdout);
}

int main(void)
{
    char line[65536], a[32768], b[32768], op;
    dw_resolve_options opts;
    dw_resolve_options_init(&opts);
    opts.style = DW_STYLE_WINDOWS; /* the corpus is Windows paths throughout */
    printf("combine-fails %u\nno-drop-directory %u\n", (unsigned)DW_WARN_COMBINE_FAILS,
           (unsigned)DW_WARN_NO_DROP_DIRECTORY);
    fflush(stdout);
    while (fgets(line, sizeof line, stdin)) {
        if (sscanf(line, "%c %32767s %32767s", &op, a, b) != 3)
            return 2;
        char *x = unhex(a), *y = unhex(b), out[4096] = "";
        if (op == 'E') {
            dw_explain_info info;
            memset(&info, 0, sizeof info);
            int st = dw_path_explain(x, y, &opts, out, sizeof out, NULL, &info);
            answer(st, info.warnings, out);
        } else if (op == 'F') {
            int st = dw_path_full(x, y, out, sizeof out, NULL);
            answer(st, 0, out);
        } else {
            return 2;
        }
        free(x);
        free(y);
    }
    return 0;
}
