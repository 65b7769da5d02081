/* SPDX-License-Identifier: MIT */
/* Tests for lib/enums.c (name <-> value of every public enum) and dw_io_error_describe() (lib/classify.c):
 * what the bindings used to rebuild for themselves. */
#include <check.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "dropwatch.h"

START_TEST(test_names_round_trip)
{
    for (int k = 0; k < DW_ENUM_COUNT; k++) {
        size_t n = dw_enum_count((dw_enum)k);
        ck_assert_msg(n > 0, "kind %d has no values", k);
        ck_assert_ptr_nonnull(dw_enum_type((dw_enum)k));
        for (size_t i = 0; i < n; i++) {
            int v = -1, back = -1;
            const char *sym = NULL;
            ck_assert_int_eq(dw_enum_value((dw_enum)k, i, &v, &sym), DW_OK);
            ck_assert_ptr_nonnull(sym);
            ck_assert_msg(strncmp(sym, "DW_", 3) == 0, "%s", sym);
            const char *name = dw_enum_name((dw_enum)k, v);
            ck_assert_msg(name != NULL, "%s has no name", sym);
            ck_assert_int_eq(dw_enum_from_name((dw_enum)k, name, &back), DW_OK);
            ck_assert_int_eq(back, v);
            for (size_t j = 0; j < i; j++) { /* distinct values, distinct names */
                int w;
                ck_assert_int_eq(dw_enum_value((dw_enum)k, j, &w, NULL), DW_OK);
                ck_assert_int_ne(w, v);
                ck_assert_str_ne(dw_enum_name((dw_enum)k, w), name);
            }
        }
        ck_assert_int_eq(dw_enum_value((dw_enum)k, n, NULL, NULL), DW_E_INVAL);
    }
}
END_TEST

START_TEST(test_known_names)
{
    int v = -1;
    ck_assert_str_eq(dw_enum_name(DW_ENUM_NAMING, DW_NAMING_EXCHANGE), "exchange");
    ck_assert_str_eq(dw_enum_name(DW_ENUM_EOH_MODE, DW_EOH_HEADER_LENGTH), "header-length");
    ck_assert_str_eq(dw_enum_name(DW_ENUM_CLASS, DW_CLASS_CAPACITY), dw_class_name(DW_CLASS_CAPACITY));
    ck_assert_str_eq(dw_enum_name(DW_ENUM_STATUS, DW_E_INVAL), "DW_E_INVAL");
    ck_assert_str_eq(dw_enum_name(DW_ENUM_PICKUP_REASON, DW_PICKUP_NO_ENVELOPE), "no-envelope");
    ck_assert_int_eq(dw_enum_from_name(DW_ENUM_PRIORITY, "HIGH", &v), DW_OK);
    ck_assert_int_eq(v, DW_PRIORITY_HIGH);
    ck_assert_int_eq(dw_enum_from_name(DW_ENUM_PATH_STYLE, "Posix", &v), DW_OK);
    ck_assert_int_eq(v, DW_STYLE_POSIX);
    ck_assert_int_eq(dw_enum_from_name(DW_ENUM_FORMAT, "json", &v), DW_OK);
    ck_assert_int_eq(v, DW_FORMAT_JSON);
    /* aliases are accepted, not listed, and the value's name stays the canonical one */
    ck_assert_int_eq(dw_enum_from_name(DW_ENUM_EXCHANGE_VERSION, "SE", &v), DW_OK);
    ck_assert_int_eq(v, DW_EXCHANGE_2013);
    ck_assert_int_eq(dw_enum_from_name(DW_ENUM_EXCHANGE_VERSION, "2019", &v), DW_OK);
    ck_assert_int_eq(v, DW_EXCHANGE_2013);
    ck_assert_str_eq(dw_enum_name(DW_ENUM_EXCHANGE_VERSION, DW_EXCHANGE_2013), "2013");
    ck_assert_uint_eq(dw_enum_count(DW_ENUM_EXCHANGE_VERSION), 3);
    ck_assert_uint_eq(dw_enum_count(DW_ENUM_STATUS), DW_STATUS_COUNT);
    ck_assert_uint_eq(dw_enum_count(DW_ENUM_FORMAT), DW_FORMAT_COUNT);
    ck_assert_str_eq(dw_enum_type(DW_ENUM_QUOTA_MODE), "dw_quota_mode");
}
END_TEST

START_TEST(test_bad_input)
{
    int v = 42;
    ck_assert_int_eq(dw_enum_from_name(DW_ENUM_NAMING, "uniqu", &v), DW_E_PARSE);
    ck_assert_int_eq(dw_enum_from_name(DW_ENUM_NAMING, "uniquee", &v), DW_E_PARSE);
    ck_assert_int_eq(dw_enum_from_name(DW_ENUM_NAMING, "", &v), DW_E_PARSE);
    ck_assert_int_eq(v, 42);
    ck_assert_int_eq(dw_enum_from_name(DW_ENUM_NAMING, NULL, &v), DW_E_INVAL);
    ck_assert_int_eq(dw_enum_from_name(DW_ENUM_NAMING, "unique", NULL), DW_E_INVAL);
    ck_assert_int_eq(dw_enum_from_name((dw_enum)DW_ENUM_COUNT, "unique", &v), DW_E_INVAL);
    ck_assert_int_eq(dw_enum_from_name((dw_enum)-1, "unique", &v), DW_E_INVAL);
    ck_assert_ptr_null(dw_enum_name(DW_ENUM_NAMING, 7));
    ck_assert_ptr_null(dw_enum_name((dw_enum)DW_ENUM_COUNT, 0));
    ck_assert_ptr_null(dw_enum_type((dw_enum)DW_ENUM_COUNT));
    ck_assert_uint_eq(dw_enum_count((dw_enum)DW_ENUM_COUNT), 0);
    ck_assert_int_eq(dw_enum_value((dw_enum)DW_ENUM_COUNT, 0, &v, NULL), DW_E_INVAL);
}
END_TEST

START_TEST(test_describe)
{
    dw_io_error err;
    char buf[512];
    size_t needed = 0;
    ck_assert_int_eq(dw_io_error_set(&err, DW_OP_CREATE, EACCES, 0, "/x"), DW_OK);
    ck_assert_int_eq(dw_io_error_describe(&err, buf, sizeof buf, &needed), DW_OK);
    ck_assert_uint_eq(needed, strlen(buf) + 1);
    ck_assert_msg(strncmp(buf, "create failed on '/x': Permission denied (EACCES, ERROR_ACCESS_DENIED 5); access: ",
                          strlen("create failed on '/x': Permission denied (EACCES, ERROR_ACCESS_DENIED 5); access: ")) == 0,
                  "%s", buf);
    ck_assert_int_eq(dw_io_error_not_found(&err), 0);

    /* the buffer protocol: too small gives DW_E_BUFFER, the size needed and a NUL-terminated prefix */
    char small[8];
    ck_assert_int_eq(dw_io_error_describe(&err, small, sizeof small, &needed), DW_E_BUFFER);
    ck_assert_uint_eq(needed, strlen(buf) + 1);
    ck_assert_str_eq(small, "create ");
    ck_assert_int_eq(dw_io_error_describe(&err, NULL, 0, &needed), DW_E_BUFFER);
    ck_assert_int_eq(dw_io_error_describe(&err, NULL, 4, &needed), DW_E_INVAL);
    ck_assert_int_eq(dw_io_error_describe(NULL, buf, sizeof buf, &needed), DW_E_INVAL);

    char *s = NULL;
    ck_assert_int_eq(dw_io_error_describe_alloc(&err, &s), DW_OK);
    ck_assert_str_eq(s, buf);
    dw_free(s);
    ck_assert_int_eq(dw_io_error_describe_alloc(NULL, &s), DW_E_INVAL);
    ck_assert_ptr_null(s);
    ck_assert_int_eq(dw_io_error_describe_alloc(&err, NULL), DW_E_INVAL);

    /* the guarded-write parts and the quota (no errno, no Win32 code) */
    dw_io_error_clear(&err);
    err.io_class = DW_CLASS_CAPACITY;
    err.op = DW_OP_QUOTA;
    err.attempts = 3;
    strcpy(err.detail, "quota 10 bytes");
    err.outcome = DW_OUTCOME_UNCERTAIN;
    strcpy(err.published, "a.eml");
    strcpy(err.left_behind, "t.tmp");
    err.left_errno = EIO;
    ck_assert_int_eq(dw_io_error_describe(&err, buf, sizeof buf, NULL), DW_OK);
    ck_assert_msg(strstr(buf, "quota failed: quota 10 bytes; capacity: ") == buf, "%s", buf);
    ck_assert_msg(strstr(buf, " (after 3 attempts); PUBLISHED as a.eml, durability unknown: do not deliver it "
                              "again; t.tmp left in the drop directory (removal failed, errno 5)") != NULL,
                  "%s", buf);

    /* unknown codes are still shown */
    ck_assert_int_eq(dw_io_error_set(&err, DW_OP_WRITE, 0, 99999, NULL), DW_OK);
    ck_assert_int_eq(dw_io_error_describe(&err, buf, sizeof buf, NULL), DW_OK);
    ck_assert_msg(strstr(buf, "write failed (Win32 error 99999): unclassified Win32 code 99999; ") == buf, "%s", buf);
}
END_TEST

START_TEST(test_not_found)
{
    dw_io_error err;
    ck_assert_int_eq(dw_io_error_not_found(NULL), 0);
    ck_assert_int_eq(dw_io_error_set(&err, DW_OP_OPEN_DIR, ENOENT, 0, NULL), DW_OK);
    ck_assert_int_eq(dw_io_error_not_found(&err), 1);
    ck_assert_int_eq(dw_io_error_set(&err, DW_OP_OPEN_DIR, 0, 3, NULL), DW_OK);
    ck_assert_int_eq(dw_io_error_not_found(&err), 1);
    ck_assert_int_eq(dw_io_error_set(&err, DW_OP_OPEN_DIR, 0, 2, NULL), DW_OK);
    ck_assert_int_eq(dw_io_error_not_found(&err), 1);
    ck_assert_int_eq(dw_io_error_set(&err, DW_OP_OPEN_DIR, ENOTDIR, 0, NULL), DW_OK);
    ck_assert_int_eq(dw_io_error_not_found(&err), 0);
}
END_TEST

/* Option validation names the failing field, so that bindings need no copy of the ranges. */
START_TEST(test_options_check)
{
    dw_drop_options o;
    dw_io_error err;
    dw_drop_options_init(&o);
    ck_assert_int_eq(dw_drop_options_check(&o, &err), DW_OK);
    ck_assert_int_eq(err.io_class, DW_CLASS_NONE);
    ck_assert_int_eq(dw_drop_options_check(&o, NULL), DW_OK);
    o.retry_max = DW_RETRY_MAX_LIMIT + 1;
    ck_assert_int_eq(dw_drop_options_check(&o, &err), DW_E_INVAL);
    ck_assert_str_eq(err.detail, "retry_max out of range (0 to 32)");
    ck_assert_int_eq(err.op, DW_OP_VALIDATE);
    ck_assert_int_eq(dw_drop_options_check(&o, NULL), DW_E_INVAL);
    o.retry_max = DW_RETRY_MAX_LIMIT;
    ck_assert_int_eq(dw_drop_options_check(&o, &err), DW_OK);
    o.retry_cap_ms = 60001;
    ck_assert_int_eq(dw_drop_options_check(&o, &err), DW_E_INVAL);
    ck_assert_str_eq(err.detail, "retry_cap_ms out of range (0 to 60000)");
    o.retry_cap_ms = 0;
    o.file_mode = 010000;
    ck_assert_int_eq(dw_drop_options_check(&o, &err), DW_E_INVAL);
    ck_assert_str_eq(err.detail, "file_mode out of range (0 to 07777)");
    o.file_mode = 0600;
    o.name_prefix = ".hidden";
    ck_assert_int_eq(dw_drop_options_check(&o, &err), DW_E_INVAL);
    ck_assert_msg(strncmp(err.detail, "name_prefix invalid", 19) == 0, "%s", err.detail);
    o.name_prefix = NULL;
    o.naming = (dw_naming)7;
    ck_assert_int_eq(dw_drop_options_check(&o, &err), DW_E_INVAL);
    ck_assert_str_eq(err.detail, "naming unknown");
    o.naming = DW_NAMING_UNIQUE;
    o.version = 99;
    ck_assert_int_eq(dw_drop_options_check(&o, &err), DW_E_INVAL);
    ck_assert_msg(strstr(err.detail, "version unknown") != NULL, "%s", err.detail);
    ck_assert_int_eq(dw_drop_options_check(NULL, &err), DW_E_INVAL);

    /* dw_drop_open() refuses with the same text */
    dw_drop *d = NULL;
    dw_drop_options_init(&o);
    o.lock_timeout_ms = 3600001u;
    ck_assert_int_eq(dw_drop_open(&d, "/tmp", &o, &err), DW_E_INVAL);
    ck_assert_ptr_null(d);
    ck_assert_str_eq(err.detail, "lock_timeout_ms out of range (0 to 3600000)");
}
END_TEST

/* The text of a failed resolution, shared by every binding. */
START_TEST(test_resolve_describe)
{
    dw_resolve_info info;
    char path[512], buf[512];
    size_t needed = 0;
    ck_assert_int_eq(dw_path_resolve("C:\\x", "a/b", NULL, path, sizeof path, NULL, &info), DW_E_NAME);
    ck_assert_int_eq(dw_resolve_describe(DW_E_NAME, "C:\\x", "a/b", &info, buf, sizeof buf, &needed), DW_OK);
    ck_assert_uint_eq(needed, strlen(buf) + 1);
    ck_assert_msg(strncmp(buf, "Invalid DropDirectory 'a/b': ", 29) == 0, "%s", buf);
    ck_assert_msg(strstr(buf, " (byte 1)") != NULL, "%s", buf);
    ck_assert_int_eq(dw_path_resolve("rel", "x", NULL, path, sizeof path, NULL, &info), DW_E_ROOT);
    ck_assert_int_eq(dw_resolve_describe(DW_E_ROOT, "rel", "x", &info, buf, sizeof buf, NULL), DW_OK);
    ck_assert_msg(strncmp(buf, "Invalid RootDropDirectoryPath 'rel': ", 37) == 0, "%s", buf);
    ck_assert_int_eq(dw_resolve_describe(DW_E_NOMEM, NULL, NULL, &info, buf, sizeof buf, NULL), DW_OK);
    ck_assert_str_eq(buf, dw_status_str(DW_E_NOMEM));
    ck_assert_int_eq(dw_resolve_describe(DW_E_NAME, NULL, NULL, &info, buf, 8, &needed), DW_E_BUFFER);
    ck_assert_int_eq(dw_resolve_describe(DW_E_NAME, NULL, NULL, NULL, buf, sizeof buf, NULL), DW_E_INVAL);
    ck_assert_int_eq(dw_resolve_describe(DW_E_NAME, NULL, NULL, &info, NULL, 4, NULL), DW_E_INVAL);
}
END_TEST


/* A description quotes at most DW_QUOTE_MAX bytes of a caller's value (dw_quote()), whatever its length:
 * a 100 KB DropDirectory must not become a 100 KB log line. */
static char *filled(size_t len, const char *at, size_t pos)
{
    char *v = malloc(len + 1);
    ck_assert_ptr_nonnull(v);
    memset(v, 'a', len);
    v[len] = '\0';
    if (at)
        memcpy(v + pos, at, strlen(at));
    return v;
}

/* "'" + n a's + tail, as dw_quote() writes a cut value */
static void assert_quoted(const char *got, size_t n, const char *tail)
{
    ck_assert_int_eq(got[0], '\'');
    for (size_t i = 0; i < n; i++)
        ck_assert_msg(got[1 + i] == 'a', "byte %zu of %s", i, got);
    ck_assert_msg(strncmp(got + 1 + n, tail, strlen(tail)) == 0, "%s", got);
}

START_TEST(test_describe_bounded)
{
    dw_resolve_info info;
    char *s = NULL;
    const size_t big = 100000;
    const char *pre = "Invalid DropDirectory ";

    /* ASCII DropDirectory with a separator at its end: the reason's offset is past the shown part */
    char *v = filled(big, "/", big - 1);
    dw_status st = dw_path_resolve_alloc("C:\\x", v, NULL, &s, &info);
    ck_assert_int_eq(st, DW_E_NAME);
    ck_assert_int_eq(dw_resolve_describe_alloc(st, "C:\\x", v, &info, &s), DW_OK);
    ck_assert_msg(strncmp(s, pre, strlen(pre)) == 0, "%s", s);
    assert_quoted(s + strlen(pre), DW_QUOTE_MAX, "...' (100000 bytes): ");
    ck_assert_uint_lt(strlen(s), DW_QUOTE_SIZE + 300);
    ck_assert_msg(strstr(s, " (byte 99999)") != NULL, "%s", s);
    char buf[DW_QUOTE_SIZE + 300];
    ck_assert_int_eq(dw_resolve_describe(st, "C:\\x", v, &info, buf, sizeof buf, NULL), DW_OK);
    ck_assert_str_eq(buf, s);
    dw_free(s);
    free(v);

    /* a two-byte character across the bound is left out whole */
    v = filled(big, "\xC3\xA9/", DW_QUOTE_MAX - 1);
    ck_assert_int_eq(dw_path_resolve_alloc("C:\\x", v, NULL, &s, &info), DW_E_NAME);
    ck_assert_int_eq(dw_resolve_describe_alloc(DW_E_NAME, "C:\\x", v, &info, &s), DW_OK);
    assert_quoted(s + strlen(pre), DW_QUOTE_MAX - 1, "...' (100000 bytes): ");
    dw_free(s);
    free(v);

    /* a root with a control character near the bound: its escape "\x01" is never split */
    v = filled(big, "C:\\", 0);
    v[DW_QUOTE_MAX - 4] = '\x01';
    st = dw_path_resolve_alloc(v, "Fax", NULL, &s, &info);
    ck_assert_int_eq(st, DW_E_ROOT);
    ck_assert_int_eq(dw_resolve_describe_alloc(st, v, "Fax", &info, &s), DW_OK);
    const char *rpre = "Invalid RootDropDirectoryPath 'C:\\";
    ck_assert_msg(strncmp(s, rpre, strlen(rpre)) == 0, "%s", s);
    /* 'C:\ + 193 a's (196 bytes) + "\x01" would end at 200: kept; the next 'a' is not */
    const char *q = s + strlen(rpre);
    for (size_t i = 0; i < DW_QUOTE_MAX - 7; i++)
        ck_assert_int_eq(q[i], 'a');
    ck_assert_msg(strncmp(q + DW_QUOTE_MAX - 7, "\\x01...' (100000 bytes): ", 25) == 0, "%s", s);
    dw_free(s);
    v[DW_QUOTE_MAX - 4] = 'a';
    v[DW_QUOTE_MAX - 3] = '\x01';
    st = dw_path_resolve_alloc(v, "Fax", NULL, &s, &info);
    ck_assert_int_eq(dw_resolve_describe_alloc(st, v, "Fax", &info, &s), DW_OK);
    q = s + strlen(rpre);
    ck_assert_msg(strncmp(q + DW_QUOTE_MAX - 6, "...' (100000 bytes): ", 21) == 0, "%s", s);
    dw_free(s);
    free(v);

    /* dw_io_error_describe: the path field keeps what fits it (DW_IO_PATH_MAX - 1 bytes), the text quotes
     * DW_QUOTE_MAX of them */
    dw_io_error err;
    v = filled(big, "/", 0);
    ck_assert_int_eq(dw_io_error_set(&err, DW_OP_OPEN_DIR, ENAMETOOLONG, 0, v), DW_OK);
    ck_assert_uint_eq(strlen(err.path), DW_IO_PATH_MAX - 1);
    ck_assert_int_eq(memcmp(err.path, v, DW_IO_PATH_MAX - 1), 0);
    ck_assert_int_eq(dw_io_error_describe_alloc(&err, &s), DW_OK);
    const char *ipre = "open-dir failed on '/";
    ck_assert_msg(strncmp(s, ipre, strlen(ipre)) == 0, "%s", s);
    q = s + strlen(ipre);
    for (size_t i = 0; i < DW_QUOTE_MAX - 1; i++)
        ck_assert_int_eq(q[i], 'a');
    ck_assert_msg(strncmp(q + DW_QUOTE_MAX - 1, "...' (4095 bytes): ", 19) == 0, "%s", s);
    ck_assert_uint_lt(strlen(s), DW_QUOTE_SIZE + 300);
    dw_free(s);
    /* a three-byte character across the bound, and the caller-buffer form */
    memcpy(err.path + DW_QUOTE_MAX - 1, "\xE2\x82\xAC", 3);
    ck_assert_int_eq(dw_io_error_describe(&err, buf, sizeof buf, NULL), DW_OK);
    ck_assert_msg(strncmp(buf + strlen(ipre) + DW_QUOTE_MAX - 2, "...' (4095 bytes): ", 19) == 0, "%s", buf);
    free(v);
}
END_TEST

/* The allocating variants: same text as the caller-buffer calls, whatever its length. */
START_TEST(test_alloc_variants)
{
    char *s = NULL, buf[1024];
    dw_resolve_info info, info2;
    ck_assert_int_eq(dw_path_resolve("D:\\Exchange", "Fax", NULL, buf, sizeof buf, NULL, &info), DW_OK);
    ck_assert_int_eq(dw_path_resolve_alloc("D:\\Exchange", "Fax", NULL, &s, &info2), DW_OK);
    ck_assert_str_eq(s, buf);
    ck_assert_uint_eq(info2.length, strlen(s));
    dw_free(s);
    /* a long root: more than the first buffer; DW_E_TOOLONG still yields the path */
    char root[400] = "C:\\";
    memset(root + 3, 'a', 250);
    root[253] = '\0';
    ck_assert_int_eq(dw_path_resolve_alloc(root, "Fax", NULL, &s, &info2), DW_E_TOOLONG);
    ck_assert_ptr_nonnull(s);
    ck_assert_uint_eq(strlen(s), 3 + 250 + 4); /* more than the first 256 bytes */
    dw_free(s);
    ck_assert_int_eq(dw_path_resolve_alloc("C:\\x", "a/b", NULL, &s, &info2), DW_E_NAME);
    ck_assert_ptr_null(s);
    ck_assert_int_eq(dw_path_resolve_alloc("C:\\x", "a", NULL, NULL, &info2), DW_E_INVAL);

    /* dw_resolve_describe_alloc: the caller-buffer text, also past the first buffer; bad input refused */
    ck_assert_int_eq(dw_path_resolve(root, "Fax", NULL, buf, sizeof buf, NULL, &info), DW_E_TOOLONG);
    ck_assert_int_eq(dw_resolve_describe(DW_E_TOOLONG, root, "Fax", &info, buf, sizeof buf, NULL), DW_OK);
    ck_assert_int_eq(dw_resolve_describe_alloc(DW_E_TOOLONG, root, "Fax", &info, &s), DW_OK);
    ck_assert_str_eq(s, buf);
    dw_free(s);
    char name[400];
    memset(name, 'n', 300);
    strcpy(name + 300, "/x");
    ck_assert_int_eq(dw_path_resolve("C:\\x", name, NULL, buf, sizeof buf, NULL, &info), DW_E_NAME);
    ck_assert_int_eq(dw_resolve_describe_alloc(DW_E_NAME, "C:\\x", name, &info, &s), DW_OK);
    ck_assert_uint_gt(strlen(s), 300);
    ck_assert_int_eq(dw_resolve_describe(DW_E_NAME, "C:\\x", name, &info, buf, sizeof buf, NULL), DW_OK);
    ck_assert_str_eq(s, buf);
    dw_free(s);
    s = buf;
    ck_assert_int_eq(dw_resolve_describe_alloc(DW_E_NAME, NULL, NULL, NULL, &s), DW_E_INVAL);
    ck_assert_ptr_null(s);
    ck_assert_int_eq(dw_resolve_describe_alloc(DW_E_NAME, NULL, NULL, &info, NULL), DW_E_INVAL);

    dw_explain_info ei;
    ck_assert_int_eq(dw_path_explain("D:\\Exchange", "..\\x", NULL, buf, sizeof buf, NULL, &ei), DW_OK);
    ck_assert_int_eq(dw_path_explain_alloc("D:\\Exchange", "..\\x", NULL, &s, &ei), DW_OK);
    ck_assert_str_eq(s, buf);
    dw_free(s);

    dw_envelope *env = NULL;
    ck_assert_int_eq(dw_envelope_new(&env), DW_OK);
    ck_assert_int_eq(dw_envelope_set_sender(env, "a@example.com", NULL), DW_OK);
    for (int i = 0; i < 40; i++) /* longer than the first buffer */
        ck_assert_int_eq(dw_envelope_add_recipient(env, "someone.with.a.long.name@example.com", NULL), DW_OK);
    size_t len = 0, needed = 0;
    ck_assert_int_eq(dw_envelope_format_alloc(env, 1234, &s, &len), DW_OK);
    ck_assert_uint_eq(len, strlen(s));
    ck_assert_int_eq(dw_envelope_format(env, 1234, NULL, 0, &needed), DW_E_BUFFER);
    ck_assert_uint_eq(needed, len + 1);
    ck_assert_ptr_nonnull(strstr(s, "a@example.com"));
    dw_free(s);
    ck_assert_int_eq(dw_envelope_format_alloc(env, 1, NULL, NULL), DW_E_INVAL);
    dw_envelope_free(env);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("enums");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, test_names_round_trip);
    tcase_add_test(tc, test_known_names);
    tcase_add_test(tc, test_bad_input);
    tcase_add_test(tc, test_describe);
    tcase_add_test(tc, test_not_found);
    tcase_add_test(tc, test_options_check);
    tcase_add_test(tc, test_resolve_describe);
    tcase_add_test(tc, test_describe_bounded);
    tcase_add_test(tc, test_alloc_variants);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
