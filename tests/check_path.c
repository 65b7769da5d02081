/* SPDX-License-Identifier: MIT */
/* Tests for lib/path.c: strict drop-path resolution (every root form, lengths, buffers) and explain mode. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dropwatch.h"

#define DEF2007 "C:\\Program Files\\Microsoft\\Exchange Server\\"

typedef struct resolve_case {
    const char *root;
    const char *drop;
    dw_path_style style;      /* requested style */
    dw_status status;
    const char *path;         /* expected result (OK / TOOLONG) */
    dw_reason reason;
    dw_input input;
    size_t offset;
    dw_path_style out_style;  /* expected style of the result */
    int long_path;
    int defaulted;
} resolve_case;

#define W DW_STYLE_WINDOWS
#define P DW_STYLE_POSIX
#define A DW_STYLE_AUTO
#define OKW(r, d, p) {r, d, A, DW_OK, p, DW_REASON_OK, DW_INPUT_NONE, 0, W, 0, 0}
#define OKP(r, d, p) {r, d, A, DW_OK, p, DW_REASON_OK, DW_INPUT_NONE, 0, P, 0, 0}
#define OKL(r, d, p) {r, d, A, DW_OK, p, DW_REASON_OK, DW_INPUT_NONE, 0, W, 1, 0}
#define ROOT(r, why, off) {r, "Drop", A, DW_E_ROOT, NULL, why, DW_INPUT_ROOT, off, W, 0, 0}
#define ROOTP(r, why, off) {r, "Drop", A, DW_E_ROOT, NULL, why, DW_INPUT_ROOT, off, P, 0, 0}

static const resolve_case cases[] = {
    /* blank roots stand for the Exchange 2007 install folder */
    {NULL, "Drop", A, DW_OK, DEF2007 "Drop", DW_REASON_OK, DW_INPUT_NONE, 0, W, 0, 1},
    {"", "Drop", A, DW_OK, DEF2007 "Drop", DW_REASON_OK, DW_INPUT_NONE, 0, W, 0, 1},
    {"   ", "Fax Connector", A, DW_OK, DEF2007 "Fax Connector", DW_REASON_OK, DW_INPUT_NONE, 0, W, 0, 1},
    {" \t ", "Drop", A, DW_OK, DEF2007 "Drop", DW_REASON_OK, DW_INPUT_NONE, 0, W, 0, 1},
    /* local drive roots, trailing and repeated separators, forward slashes */
    OKW("D:\\Exchange\\", "Drop", "D:\\Exchange\\Drop"),
    OKW("D:\\Exchange", "Drop", "D:\\Exchange\\Drop"),
    OKW("D:\\Exchange\\\\\\", "Drop", "D:\\Exchange\\Drop"),
    OKW("D:/Exchange/drops/", "Drop", "D:\\Exchange\\drops\\Drop"),
    OKW("D:\\a\\\\b//c\\/d", "Drop", "D:\\a\\b\\c\\d\\Drop"),
    OKW("D:\\", "Drop", "D:\\Drop"),
    OKW("d:/", "Drop", "d:\\Drop"),
    OKW("D:\\\\", "Drop", "D:\\Drop"),
    OKW("E:\\Program Files\\Exchange Server\\V15\\", "Fax", "E:\\Program Files\\Exchange Server\\V15\\Fax"),
    OKW("D:\\\xC3\x9C" "ber\\x", "\xE6\x97\xA5", "D:\\\xC3\x9C" "ber\\x\\\xE6\x97\xA5"),
    OKW("D:\\%2e%2e", "Drop", "D:\\%2e%2e\\Drop"),
    /* UNC roots */
    OKW("\\\\server\\share\\drops", "Drop", "\\\\server\\share\\drops\\Drop"),
    OKW("\\\\server\\share", "Drop", "\\\\server\\share\\Drop"),
    OKW("\\\\server\\share\\", "Drop", "\\\\server\\share\\Drop"),
    OKW("\\\\server\\\\share\\\\x\\\\", "Drop", "\\\\server\\share\\x\\Drop"),
    OKW("//server/share/x", "Drop", "\\\\server\\share\\x\\Drop"),
    OKW("\\\\srv.contoso.com\\C$\\Exchange", "Drop", "\\\\srv.contoso.com\\C$\\Exchange\\Drop"),
    ROOT("\\\\server", DW_REASON_ROOT_INVALID, 8),
    ROOT("\\\\server\\", DW_REASON_ROOT_INVALID, 9),
    ROOT("\\\\server\\\\\\", DW_REASON_ROOT_INVALID, 11),
    ROOT("\\\\\\server\\share", DW_REASON_ROOT_INVALID, 2),
    ROOT("\\\\", DW_REASON_ROOT_INVALID, 2),
    ROOT("\\\\ser?ver\\share", DW_REASON_ROOT_INVALID, 5),
    ROOT("\\\\server\\sh|are", DW_REASON_ROOT_INVALID, 11),
    ROOT("\\\\server\\share\\..\\x", DW_REASON_ROOT_DOT_COMPONENT, 15),
    /* long-path forms are kept */
    OKL("\\\\?\\D:\\x", "Drop", "\\\\?\\D:\\x\\Drop"),
    OKL("\\\\?\\D:\\x\\", "Drop", "\\\\?\\D:\\x\\Drop"),
    ROOT("\\\\?\\D:", DW_REASON_ROOT_INVALID, 4),
    OKL("\\\\?\\D:\\", "Drop", "\\\\?\\D:\\Drop"),
    OKL("\\\\?\\UNC\\srv\\share\\x", "Drop", "\\\\?\\UNC\\srv\\share\\x\\Drop"),
    OKL("\\\\?\\unc\\srv\\share", "Drop", "\\\\?\\unc\\srv\\share\\Drop"),
    OKL("//?/UNC/srv/share", "Drop", "\\\\?\\UNC\\srv\\share\\Drop"),
    ROOT("\\\\?\\Volume{26a21bda-a627-11d7-9931-806e6f6e6963}\\", DW_REASON_ROOT_INVALID, 4),
    ROOT("\\\\?\\D:x", DW_REASON_ROOT_INVALID, 4),
    ROOT("\\\\?\\", DW_REASON_ROOT_INVALID, 4),
    ROOT("\\\\?\\UNC\\srv", DW_REASON_ROOT_INVALID, 11),
    ROOT("\\\\?\\D:\\a\\..\\b", DW_REASON_ROOT_DOT_COMPONENT, 9),
    /* other prefixes and relative forms */
    ROOT("\\\\.\\C:\\x", DW_REASON_DEVICE_PREFIX, 0),
    ROOT("\\\\.\\pipe\\x", DW_REASON_DEVICE_PREFIX, 0),
    ROOT("\\??\\C:\\x", DW_REASON_DEVICE_PREFIX, 0),
    ROOT("\\Exchange", DW_REASON_ROOT_ROOTED_RELATIVE, 0),
    ROOT("\\", DW_REASON_ROOT_ROOTED_RELATIVE, 0),
    ROOT("C:Exchange", DW_REASON_ROOT_DRIVE_RELATIVE, 1),
    ROOT("C:", DW_REASON_ROOT_DRIVE_RELATIVE, 1),
    ROOT("Exchange\\drops", DW_REASON_ROOT_RELATIVE, 0),
    ROOT("drops", DW_REASON_ROOT_RELATIVE, 0),
    ROOT(".\\drops", DW_REASON_ROOT_RELATIVE, 0),
    ROOT(" D:\\x", DW_REASON_ROOT_RELATIVE, 0),
    /* dot components are errors, never resolved */
    ROOT("D:\\a\\.\\b", DW_REASON_ROOT_DOT_COMPONENT, 5),
    ROOT("D:\\a\\..\\b", DW_REASON_ROOT_DOT_COMPONENT, 5),
    ROOT("D:\\a\\..", DW_REASON_ROOT_DOT_COMPONENT, 5),
    ROOT("D:/a/../b", DW_REASON_ROOT_DOT_COMPONENT, 5),
    ROOT("D:\\...\\b", DW_REASON_ROOT_DOT_COMPONENT, 3),
    /* invalid components */
    ROOT("D:\\a\\b.", DW_REASON_ROOT_INVALID, 6),
    ROOT("D:\\a \\b", DW_REASON_ROOT_INVALID, 4),
    ROOT("D:\\a<b", DW_REASON_ROOT_INVALID, 4),
    ROOT("D:\\a:b", DW_REASON_ROOT_INVALID, 4),
    ROOT("D:\\a\\\xFF", DW_REASON_ROOT_INVALID, 5),
    ROOT("D:\\x\\CON\\y", DW_REASON_ROOT_INVALID, 5),
    ROOT("D:\\x\x01y", DW_REASON_ROOT_INVALID, 4),
    ROOT("D:\\a\xEF\xBC\x8F" "b", DW_REASON_ROOT_INVALID, 4),
    /* POSIX roots */
    OKP("/var/spool/exchange", "Drop", "/var/spool/exchange/Drop"),
    OKP("/var//spool///exchange/", "Drop", "/var/spool/exchange/Drop"),
    OKP("/", "Drop", "/Drop"),
    OKP("/var/a\\b", "Drop", "/var/a\\b/Drop"),
    OKP("/srv/\xC3\xA9t\xC3\xA9", "Fax", "/srv/\xC3\xA9t\xC3\xA9/Fax"),
    ROOTP("/var/./x", DW_REASON_ROOT_DOT_COMPONENT, 5),
    ROOTP("/var/../x", DW_REASON_ROOT_DOT_COMPONENT, 5),
    ROOTP("/var/x/..", DW_REASON_ROOT_DOT_COMPONENT, 7),
    ROOTP("/var/\x01", DW_REASON_ROOT_INVALID, 5),
    ROOTP("/var/\xC0\xAF", DW_REASON_ROOT_INVALID, 5),
    /* forced styles */
    {"C:\\x", "Drop", P, DW_E_ROOT, NULL, DW_REASON_ROOT_RELATIVE, DW_INPUT_ROOT, 0, P, 0, 0},
    {"/var/x", "Drop", W, DW_E_ROOT, NULL, DW_REASON_ROOT_ROOTED_RELATIVE, DW_INPUT_ROOT, 0, W, 0, 0},
    {"//var/x", "Drop", P, DW_OK, "/var/x/Drop", DW_REASON_OK, DW_INPUT_NONE, 0, P, 0, 0},
    {"D:\\x", "Drop", W, DW_OK, "D:\\x\\Drop", DW_REASON_OK, DW_INPUT_NONE, 0, W, 0, 0},
    /* the DropDirectory keeps the Windows rules, also under a POSIX root */
    {"/var/x", "a\\b", A, DW_E_NAME, NULL, DW_REASON_SEPARATOR, DW_INPUT_DROP_DIR, 1, P, 0, 0},
    {"/var/x", "CON", A, DW_E_NAME, NULL, DW_REASON_RESERVED_NAME, DW_INPUT_DROP_DIR, 0, P, 0, 0},
    {"D:\\x", "a\\b", A, DW_E_NAME, NULL, DW_REASON_SEPARATOR, DW_INPUT_DROP_DIR, 1, W, 0, 0},
    {"D:\\x", "", A, DW_E_NAME, NULL, DW_REASON_EMPTY, DW_INPUT_DROP_DIR, 0, W, 0, 0},
    {"D:\\x", "E:\\y", A, DW_E_NAME, NULL, DW_REASON_DRIVE, DW_INPUT_DROP_DIR, 1, W, 0, 0},
    {"D:\\x", "..", A, DW_E_NAME, NULL, DW_REASON_DOT_NAME, DW_INPUT_DROP_DIR, 0, W, 0, 0},
    {"\\\\srv\\s", "ab:c", A, DW_E_NAME, NULL, DW_REASON_STREAM, DW_INPUT_DROP_DIR, 2, W, 0, 0},
    {"\\\\srv\\s", "a:b", A, DW_E_NAME, NULL, DW_REASON_DRIVE, DW_INPUT_DROP_DIR, 1, W, 0, 0},
    {NULL, "Drop.", A, DW_E_NAME, NULL, DW_REASON_TRAILING_DOT, DW_INPUT_DROP_DIR, 4, W, 0, 1},
    /* an invalid root is reported before an invalid name */
    {"Exchange", "a\\b", A, DW_E_ROOT, NULL, DW_REASON_ROOT_RELATIVE, DW_INPUT_ROOT, 0, W, 0, 0},
};

static void run_case(const resolve_case *c, const dw_resolve_options *opts)
{
    char buf[600];
    size_t needed = 12345;
    dw_resolve_info info;
    memset(&info, 0xA5, sizeof info);
    memset(buf, 'X', sizeof buf);
    const char *label = c->root ? c->root : "(null)";
    dw_status st = dw_path_resolve(c->root, c->drop, opts, buf, sizeof buf, &needed, &info);
    ck_assert_msg(st == c->status, "%s + %s: status %s, want %s (reason %s)", label, c->drop, dw_status_name(st),
                  dw_status_name(c->status), dw_reason_name(info.reason));
    ck_assert_msg(info.reason == c->reason, "%s + %s: reason %s, want %s", label, c->drop,
                  dw_reason_name(info.reason), dw_reason_name(c->reason));
    ck_assert_msg(info.input == c->input, "%s: input %d, want %d", label, info.input, c->input);
    ck_assert_msg(info.offset == c->offset, "%s: offset %zu, want %zu", label, info.offset, c->offset);
    ck_assert_int_eq(info.style, c->out_style);
    ck_assert_int_eq(info.long_path, c->long_path);
    ck_assert_int_eq(info.root_defaulted, c->defaulted);
    if (c->path) {
        ck_assert_str_eq(buf, c->path);
        ck_assert_uint_eq(needed, strlen(c->path) + 1);
        ck_assert_uint_eq(info.length, strlen(c->path));
    } else {
        ck_assert_str_eq(buf, ""); /* nothing half-written on a rejected input */
        ck_assert_uint_eq(needed, 0);
        ck_assert_uint_eq(info.length, 0);
    }
}

START_TEST(test_resolve_table)
{
    dw_resolve_options o;
    memset(&o, 0x5A, sizeof o);
    dw_resolve_options_init(&o);
    ck_assert_ptr_null(o.install_dir);
    ck_assert_int_eq(o.exchange_version, DW_EXCHANGE_2007);
    ck_assert_int_eq(o.style, DW_STYLE_AUTO);
    ck_assert_uint_eq(o.version, DW_RESOLVE_OPTIONS_VERSION);
    o.style = cases[_i].style;
    run_case(&cases[_i], &o);
}
END_TEST

/* Versioned options (doc/abi.md): DW_RESOLVE_OPTIONS_INIT equals the init function; an unset or future
 * version is refused before anything is written. */
START_TEST(test_resolve_options_version)
{
    dw_resolve_options s = DW_RESOLVE_OPTIONS_INIT, f;
    dw_resolve_options_init(&f);
    ck_assert(s.version == f.version && s.install_dir == f.install_dir && s.exchange_version == f.exchange_version &&
              s.style == f.style);
    char buf[64];
    ck_assert_int_eq(dw_path_resolve("/srv", "Fax", &s, buf, sizeof buf, NULL, NULL), DW_OK);
    s.version = 0;
    ck_assert_int_eq(dw_path_resolve("/srv", "Fax", &s, buf, sizeof buf, NULL, NULL), DW_E_INVAL);
    s.version = DW_RESOLVE_OPTIONS_VERSION + 1;
    ck_assert_int_eq(dw_path_resolve("/srv", "Fax", &s, buf, sizeof buf, NULL, NULL), DW_E_INVAL);
    dw_explain_info info;
    ck_assert_int_eq(dw_path_explain("/srv", "Fax", &s, buf, sizeof buf, NULL, &info), DW_E_INVAL);
}
END_TEST

START_TEST(test_resolve_table_null_options)
{
    /* NULL options are the defaults (automatic style) */
    if (cases[_i].style == DW_STYLE_AUTO)
        run_case(&cases[_i], NULL);
}
END_TEST

/* AdminDisplayVersion -> version: the first major.minor decides; anything else is a parse error. */
START_TEST(test_exchange_version_from_build)
{
    static const struct {
        const char *text;
        dw_status st;
        dw_exchange_version v;
    } builds[] = {
        {"Version 8.3 (Build 83.6)", DW_OK, DW_EXCHANGE_2007},
        {"Version 14.3 (Build 123.4)", DW_OK, DW_EXCHANGE_2010},
        {"Version 15.0 (Build 1497.2)", DW_OK, DW_EXCHANGE_2013},
        {"Version 15.1 (Build 2507.6)", DW_OK, DW_EXCHANGE_2013},
        {"Version 15.2 (Build 1118.7)", DW_OK, DW_EXCHANGE_2013},
        {"15.2.1544.4", DW_OK, DW_EXCHANGE_2013},
        {"V14.3", DW_OK, DW_EXCHANGE_2010},
        {"Version 16.0 (Build 1.0)", DW_OK, DW_EXCHANGE_2013},
        {"Version 99999999999999999999.0", DW_OK, DW_EXCHANGE_2013},
        {"build 7 then 8.0", DW_OK, DW_EXCHANGE_2007}, /* "7 " is no major.minor */
        {"Version 6.5 (Build 7638.2)", DW_E_PARSE, DW_EXCHANGE_2007}, /* Exchange 2003: no Foreign connector */
        {"Version 12.0", DW_E_PARSE, DW_EXCHANGE_2007},
        {"Version 15", DW_E_PARSE, DW_EXCHANGE_2007},
        {"15.", DW_E_PARSE, DW_EXCHANGE_2007},
        {".15", DW_E_PARSE, DW_EXCHANGE_2007},
        {"", DW_E_PARSE, DW_EXCHANGE_2007},
        {"Version", DW_E_PARSE, DW_EXCHANGE_2007},
    };
    for (size_t i = 0; i < sizeof builds / sizeof builds[0]; i++) {
        dw_exchange_version v = (dw_exchange_version)42;
        ck_assert_msg(dw_exchange_version_from_build(builds[i].text, &v) == builds[i].st, "%s", builds[i].text);
        if (builds[i].st == DW_OK)
            ck_assert_msg(v == builds[i].v, "%s: %d", builds[i].text, (int)v);
        else
            ck_assert_msg(v == (dw_exchange_version)42, "%s: written on failure", builds[i].text);
    }
    dw_exchange_version v;
    ck_assert_int_eq(dw_exchange_version_from_build(NULL, &v), DW_E_INVAL);
    ck_assert_int_eq(dw_exchange_version_from_build("15.1", NULL), DW_E_INVAL);
}
END_TEST

/* The style the resolver applies: explicit wins; auto reads the effective root; bad options are refused. */
START_TEST(test_resolve_style)
{
    dw_resolve_options o;
    dw_resolve_options_init(&o);
    ck_assert_int_eq(dw_resolve_style("/srv/exchange", NULL), DW_STYLE_POSIX);
    ck_assert_int_eq(dw_resolve_style("/srv/exchange", &o), DW_STYLE_POSIX);
    ck_assert_int_eq(dw_resolve_style("//server/share", &o), DW_STYLE_WINDOWS);
    ck_assert_int_eq(dw_resolve_style("D:\\Exchange", &o), DW_STYLE_WINDOWS);
    ck_assert_int_eq(dw_resolve_style(NULL, &o), DW_STYLE_WINDOWS); /* the install folder */
    ck_assert_int_eq(dw_resolve_style("  ", &o), DW_STYLE_WINDOWS);
    o.install_dir = "/opt/exchange";
    ck_assert_int_eq(dw_resolve_style("", &o), DW_STYLE_POSIX);
    o.install_dir = NULL;
    o.style = DW_STYLE_WINDOWS;
    ck_assert_int_eq(dw_resolve_style("/srv/exchange", &o), DW_STYLE_WINDOWS);
    o.style = DW_STYLE_POSIX;
    ck_assert_int_eq(dw_resolve_style("D:\\Exchange", &o), DW_STYLE_POSIX);
    o.style = (dw_path_style)7;
    ck_assert_int_eq(dw_resolve_style("/srv", &o), DW_STYLE_AUTO);
    dw_resolve_options_init(&o);
    o.version = 0;
    ck_assert_int_eq(dw_resolve_style("/srv", &o), DW_STYLE_AUTO);
}
END_TEST

START_TEST(test_exchange_versions)
{
    ck_assert_str_eq(dw_exchange_install_dir(DW_EXCHANGE_2007), "C:\\Program Files\\Microsoft\\Exchange Server\\");
    ck_assert_str_eq(dw_exchange_install_dir(DW_EXCHANGE_2010), "C:\\Program Files\\Microsoft\\Exchange Server\\V14\\");
    ck_assert_str_eq(dw_exchange_install_dir(DW_EXCHANGE_2013), "C:\\Program Files\\Microsoft\\Exchange Server\\V15\\");
    ck_assert_ptr_null(dw_exchange_install_dir((dw_exchange_version)3));
    ck_assert_ptr_null(dw_exchange_install_dir((dw_exchange_version)-1));

    static const struct {
        dw_exchange_version v;
        const char *want;
    } vs[] = {
        {DW_EXCHANGE_2007, "C:\\Program Files\\Microsoft\\Exchange Server\\Fax"},
        {DW_EXCHANGE_2010, "C:\\Program Files\\Microsoft\\Exchange Server\\V14\\Fax"},
        {DW_EXCHANGE_2013, "C:\\Program Files\\Microsoft\\Exchange Server\\V15\\Fax"},
    };
    for (size_t i = 0; i < sizeof vs / sizeof vs[0]; i++) {
        dw_resolve_options o;
        dw_resolve_options_init(&o);
        o.exchange_version = vs[i].v;
        char buf[128];
        dw_resolve_info info;
        ck_assert_int_eq(dw_path_resolve(NULL, "Fax", &o, buf, sizeof buf, NULL, &info), DW_OK);
        ck_assert_str_eq(buf, vs[i].want);
        ck_assert_int_eq(info.root_defaulted, 1);
        /* the version only matters for a blank root */
        ck_assert_int_eq(dw_path_resolve("D:\\x", "Fax", &o, buf, sizeof buf, NULL, &info), DW_OK);
        ck_assert_str_eq(buf, "D:\\x\\Fax");
        ck_assert_int_eq(info.root_defaulted, 0);
    }
}
END_TEST

START_TEST(test_custom_install_dir)
{
    dw_resolve_options o;
    dw_resolve_options_init(&o);
    o.exchange_version = DW_EXCHANGE_2013; /* the caller's folder wins over the version's default */
    o.install_dir = "E:\\Exchange";
    char buf[128];
    dw_resolve_info info;
    ck_assert_int_eq(dw_path_resolve("", "Drop", &o, buf, sizeof buf, NULL, &info), DW_OK);
    ck_assert_str_eq(buf, "E:\\Exchange\\Drop");
    ck_assert_int_eq(info.root_defaulted, 1);
    /* a non-blank root ignores the install folder */
    ck_assert_int_eq(dw_path_resolve("F:\\r", "Drop", &o, buf, sizeof buf, NULL, &info), DW_OK);
    ck_assert_str_eq(buf, "F:\\r\\Drop");
    /* the install folder is validated like a root */
    o.install_dir = "Exchange";
    ck_assert_int_eq(dw_path_resolve(NULL, "Drop", &o, buf, sizeof buf, NULL, &info), DW_E_ROOT);
    ck_assert_int_eq(info.reason, DW_REASON_ROOT_RELATIVE);
    ck_assert_int_eq(info.input, DW_INPUT_ROOT);
    ck_assert_int_eq(info.root_defaulted, 1);
    o.install_dir = "E:\\Ex\\..\\x";
    ck_assert_int_eq(dw_path_resolve(NULL, "Drop", &o, buf, sizeof buf, NULL, &info), DW_E_ROOT);
    ck_assert_int_eq(info.reason, DW_REASON_ROOT_DOT_COMPONENT);
    ck_assert_uint_eq(info.offset, 6);
    /* a POSIX install folder gives a POSIX result */
    o.install_dir = "/opt/exchange/";
    ck_assert_int_eq(dw_path_resolve(NULL, "Drop", &o, buf, sizeof buf, NULL, &info), DW_OK);
    ck_assert_str_eq(buf, "/opt/exchange/Drop");
    ck_assert_int_eq(info.style, DW_STYLE_POSIX);
    /* a blank install folder means the version's default */
    o.install_dir = "  ";
    ck_assert_int_eq(dw_path_resolve(NULL, "Drop", &o, buf, sizeof buf, NULL, &info), DW_OK);
    ck_assert_str_eq(buf, "C:\\Program Files\\Microsoft\\Exchange Server\\V15\\Drop");
    /* UNC install folder */
    o.install_dir = "\\\\hub\\exch$";
    ck_assert_int_eq(dw_path_resolve(NULL, "Drop", &o, buf, sizeof buf, NULL, &info), DW_OK);
    ck_assert_str_eq(buf, "\\\\hub\\exch$\\Drop");
}
END_TEST

START_TEST(test_bad_arguments)
{
    char buf[64];
    size_t needed = 99;
    dw_resolve_info info;
    ck_assert_int_eq(dw_path_resolve("D:\\x", NULL, NULL, buf, sizeof buf, &needed, &info), DW_E_INVAL);
    ck_assert_uint_eq(needed, 0);
    ck_assert_int_eq(dw_path_resolve("D:\\x", "Drop", NULL, NULL, 10, &needed, &info), DW_E_INVAL);
    dw_resolve_options o;
    dw_resolve_options_init(&o);
    o.exchange_version = (dw_exchange_version)7;
    ck_assert_int_eq(dw_path_resolve("D:\\x", "Drop", &o, buf, sizeof buf, &needed, &info), DW_E_INVAL);
    dw_resolve_options_init(&o);
    o.style = (dw_path_style)3;
    ck_assert_int_eq(dw_path_resolve("D:\\x", "Drop", &o, buf, sizeof buf, &needed, &info), DW_E_INVAL);
    o.style = (dw_path_style)-1;
    ck_assert_int_eq(dw_path_resolve("D:\\x", "Drop", &o, buf, sizeof buf, &needed, &info), DW_E_INVAL);
    /* every out-pointer is optional */
    ck_assert_int_eq(dw_path_resolve("D:\\x", "Drop", NULL, buf, sizeof buf, NULL, NULL), DW_OK);
    ck_assert_str_eq(buf, "D:\\x\\Drop");
    ck_assert_int_eq(dw_path_resolve("D:\\x", "a/b", NULL, buf, sizeof buf, NULL, NULL), DW_E_NAME);
    dw_resolve_options_init(NULL); /* ignored, no crash */
}
END_TEST

START_TEST(test_buffers)
{
    const char *want = "D:\\Exchange\\Drop";
    size_t len = strlen(want);
    size_t needed = 0;
    dw_resolve_info info;
    /* size 0 with NULL buffer: asks for the size */
    ck_assert_int_eq(dw_path_resolve("D:\\Exchange\\", "Drop", NULL, NULL, 0, &needed, &info), DW_E_BUFFER);
    ck_assert_uint_eq(needed, len + 1);
    ck_assert_uint_eq(info.length, len);
    ck_assert_int_eq(info.reason, DW_REASON_OK);
    /* size 0 with a buffer: untouched */
    char big[64];
    memset(big, 'X', sizeof big);
    ck_assert_int_eq(dw_path_resolve("D:\\Exchange\\", "Drop", NULL, big, 0, &needed, NULL), DW_E_BUFFER);
    ck_assert_int_eq(big[0], 'X');
    /* one byte short: truncated, terminated */
    char *small = malloc(len);
    ck_assert_int_eq(dw_path_resolve("D:\\Exchange\\", "Drop", NULL, small, len, &needed, NULL), DW_E_BUFFER);
    ck_assert_uint_eq(needed, len + 1);
    ck_assert_uint_eq(strlen(small), len - 1);
    ck_assert_int_eq(strncmp(small, want, len - 1), 0);
    free(small);
    /* exact fit */
    char *exact = malloc(len + 1);
    ck_assert_int_eq(dw_path_resolve("D:\\Exchange\\", "Drop", NULL, exact, len + 1, &needed, NULL), DW_OK);
    ck_assert_str_eq(exact, want);
    ck_assert_uint_eq(needed, len + 1);
    free(exact);
    /* size 1 */
    char one[1] = {'X'};
    ck_assert_int_eq(dw_path_resolve("D:\\Exchange\\", "Drop", NULL, one, 1, &needed, NULL), DW_E_BUFFER);
    ck_assert_int_eq(one[0], '\0');
    /* errors in the inputs win over the buffer size */
    ck_assert_int_eq(dw_path_resolve("Exchange", "Drop", NULL, NULL, 0, &needed, &info), DW_E_ROOT);
    ck_assert_uint_eq(needed, 0);
    ck_assert_int_eq(dw_path_resolve("D:\\x", "a|b", NULL, NULL, 0, &needed, &info), DW_E_NAME);
    ck_assert_int_eq(info.reason, DW_REASON_FORBIDDEN_CHAR);
}
END_TEST

/* "D:\" + k times 'a' + "\" + drop: the root is split in components of at most 200 characters. */
static void make_root(char *out, size_t k)
{
    strcpy(out, "D:\\");
    size_t n = 3;
    while (k) {
        size_t part = k > 200 ? 200 : k;
        memset(out + n, 'a', part);
        n += part;
        k -= part;
        if (k) {
            out[n++] = '\\';
            k--; /* the separator counts as a character of the root */
        }
    }
    out[n] = '\0';
}

START_TEST(test_max_path_boundaries)
{
    char root[400], buf[600];
    dw_resolve_info info;
    size_t needed;
    /* resolved length L = 3 + k + 1 + 4 ("\Drop"); room for "\file" = 259 - L */
    struct {
        size_t len;
        dw_status st;
        dw_reason reason;
        dw_input input;
        size_t room;
    } t[] = {
        {100, DW_OK, DW_REASON_OK, DW_INPUT_NONE, 159},
        {195, DW_OK, DW_REASON_OK, DW_INPUT_NONE, 64},
        /* exactly "\" + the longest Exchange file name of an unknown (15-character) machine left: 1 + 62 */
        {196, DW_OK, DW_REASON_OK, DW_INPUT_NONE, 63},
        {197, DW_E_TOOLONG, DW_REASON_PATH_TOO_LONG, DW_INPUT_RESULT, 62},
        {258, DW_E_TOOLONG, DW_REASON_PATH_TOO_LONG, DW_INPUT_RESULT, 1}, /* 258 + NUL = 259 < MAX_PATH */
        {259, DW_E_TOOLONG, DW_REASON_PATH_TOO_LONG, DW_INPUT_RESULT, 0}, /* 259 + NUL = 260: at MAX_PATH */
        {260, DW_E_TOOLONG, DW_REASON_PATH_TOO_LONG, DW_INPUT_RESULT, 0},
        {300, DW_E_TOOLONG, DW_REASON_ROOT_TOO_LONG, DW_INPUT_ROOT, 0}, /* the root alone is 295 */
    };
    for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
        make_root(root, t[i].len - 8);
        ck_assert_int_eq(dw_path_resolve(root, "Drop", NULL, buf, sizeof buf, &needed, &info), t[i].st);
        ck_assert_int_eq(info.reason, t[i].reason);
        ck_assert_int_eq(info.input, t[i].input);
        ck_assert_uint_eq(info.utf16_length, t[i].len);
        ck_assert_uint_eq(info.length, t[i].len);
        ck_assert_uint_eq(info.file_name_room, t[i].room);
        /* the path is written even when too long */
        ck_assert_uint_eq(strlen(buf), t[i].len);
        ck_assert_uint_eq(needed, t[i].len + 1);
        ck_assert_str_eq(buf + t[i].len - 5, "\\Drop");
    }
    /* a too-small buffer is reported first; the verdict is still in info */
    make_root(root, 260 - 8);
    ck_assert_int_eq(dw_path_resolve(root, "Drop", NULL, NULL, 0, &needed, &info), DW_E_BUFFER);
    ck_assert_int_eq(info.reason, DW_REASON_PATH_TOO_LONG);
    ck_assert_uint_eq(needed, 261);
}
END_TEST

START_TEST(test_length_counts_utf16_units)
{
    /* a non-BMP DropDirectory counts two units per character: 2 of them = 4 units in 8 bytes */
    char root[400], buf[600];
    dw_resolve_info info;
    const char *drop = "\xF0\x9F\x93\xA7\xF0\x9F\x93\xA7";
    make_root(root, 187); /* 3 + 187 + 1 + 4 units = 195 */
    ck_assert_int_eq(dw_path_resolve(root, drop, NULL, buf, sizeof buf, NULL, &info), DW_OK);
    ck_assert_uint_eq(info.utf16_length, 195);
    ck_assert_uint_eq(info.length, 199);
    ck_assert_uint_eq(info.file_name_room, 64);
    make_root(root, 189); /* 197 units: "\" + a 62-unit Exchange file name no longer fits under 259 */
    ck_assert_int_eq(dw_path_resolve(root, drop, NULL, buf, sizeof buf, NULL, &info), DW_E_TOOLONG);
    ck_assert_uint_eq(info.utf16_length, 197);
    /* three-byte BMP characters count one unit each: 4 of them (12 bytes) in the root */
    strcpy(root, "D:\\\xE6\x97\xA5\xE6\x97\xA5\xE6\x97\xA5\xE6\x97\xA5");
    ck_assert_int_eq(dw_path_resolve(root, "Drop", NULL, buf, sizeof buf, NULL, &info), DW_OK);
    ck_assert_uint_eq(info.utf16_length, 3 + 4 + 5);
    ck_assert_uint_eq(info.length, 3 + 12 + 5);
    ck_assert_uint_eq(info.file_name_room, 259 - 12);
}
END_TEST

START_TEST(test_root_too_long)
{
    char root[400], buf[600];
    dw_resolve_info info;
    make_root(root, 256); /* root alone: 259 units, 259 + NUL reaches MAX_PATH */
    ck_assert_int_eq(dw_path_resolve(root, "Drop", NULL, buf, sizeof buf, NULL, &info), DW_E_TOOLONG);
    ck_assert_int_eq(info.reason, DW_REASON_ROOT_TOO_LONG);
    ck_assert_int_eq(info.input, DW_INPUT_ROOT);
    ck_assert_uint_eq(strlen(buf), 264);
    make_root(root, 255); /* root alone: 258 units: only the joined path is too long */
    ck_assert_int_eq(dw_path_resolve(root, "Drop", NULL, buf, sizeof buf, NULL, &info), DW_E_TOOLONG);
    ck_assert_int_eq(info.reason, DW_REASON_PATH_TOO_LONG);
    ck_assert_int_eq(info.input, DW_INPUT_RESULT);
    /* the same through UNC */
    char unc[400];
    strcpy(unc, "\\\\srv\\share\\");
    memset(unc + 12, 'b', 250);
    unc[262] = '\0';
    ck_assert_int_eq(dw_path_resolve(unc, "Drop", NULL, buf, sizeof buf, NULL, &info), DW_E_TOOLONG);
    ck_assert_int_eq(info.reason, DW_REASON_ROOT_TOO_LONG);
}
END_TEST

START_TEST(test_long_path_and_posix_have_no_max_path)
{
    char root[400], buf[700];
    dw_resolve_info info;
    strcpy(root, "\\\\?\\");
    make_root(root + 4, 300);
    ck_assert_int_eq(dw_path_resolve(root, "Drop", NULL, buf, sizeof buf, NULL, &info), DW_OK);
    ck_assert_int_eq(info.long_path, 1);
    ck_assert_uint_eq(info.utf16_length, 4 + 303 + 5);
    ck_assert_uint_eq(info.file_name_room, 0);
    ck_assert_int_eq(strncmp(buf, "\\\\?\\D:\\aaa", 10), 0);

    /* POSIX: no MAX_PATH either */
    char proot[400];
    proot[0] = '/';
    memset(proot + 1, 'p', 200);
    proot[201] = '/';
    memset(proot + 202, 'q', 150);
    proot[352] = '\0';
    ck_assert_int_eq(dw_path_resolve(proot, "Drop", NULL, buf, sizeof buf, NULL, &info), DW_OK);
    ck_assert_int_eq(info.style, DW_STYLE_POSIX);
    ck_assert_uint_eq(info.length, 352 + 5);
    ck_assert_uint_eq(info.file_name_room, 0);
}
END_TEST

START_TEST(test_long_path_limit)
{
    /* \\?\ paths are limited to 32767 units including the NUL */
    size_t cap = 40000;
    char *root = malloc(cap), *buf = malloc(cap);
    strcpy(root, "\\\\?\\D:");
    size_t n = strlen(root);
    while (n < 32750) {
        root[n++] = '\\';
        memset(root + n, 'z', 200);
        n += 200;
    }
    root[n] = '\0';
    dw_resolve_info info;
    ck_assert_int_eq(dw_path_resolve(root, "Drop", NULL, buf, cap, NULL, &info), DW_E_TOOLONG);
    ck_assert_int_eq(info.reason, DW_REASON_ROOT_TOO_LONG);
    ck_assert_int_eq(info.long_path, 1);
    /* cut the root so that only the join crosses the limit: root 32762 units, path 32767 */
    root[32762] = '\0';
    ck_assert_int_eq(dw_path_resolve(root, "Drop", NULL, buf, cap, NULL, &info), DW_E_TOOLONG);
    ck_assert_int_eq(info.reason, DW_REASON_PATH_TOO_LONG);
    ck_assert_uint_eq(info.utf16_length, 32767);
    root[32761] = '\0'; /* path 32766 + NUL = 32767: fits */
    ck_assert_int_eq(dw_path_resolve(root, "Drop", NULL, buf, cap, NULL, &info), DW_OK);
    free(root);
    free(buf);
}
END_TEST

/* ---- explain ---------------------------------------------------------------------------------------- */

typedef struct explain_case {
    const char *root;
    const char *drop;
    const char *exchange;   /* Exchange's path */
    unsigned warnings;
    dw_status strict_status;
    dw_reason strict_reason;
} explain_case;

#define RR DW_WARN_ROOT_REPLACED
#define SUB DW_WARN_SUBDIRECTORY
#define ESC DW_WARN_PARENT_ESCAPE
#define INV DW_WARN_INVALID_NAME
#define DIF DW_WARN_DIFFERS
#define TL DW_WARN_PATH_TOO_LONG
#define DRV DW_WARN_DRIVE_RELATIVE
#define NOD DW_WARN_NO_DROP_DIRECTORY

static const explain_case ecases[] = {
    /* valid configurations: no warnings */
    {NULL, "Drop", DEF2007 "Drop", 0, DW_OK, DW_REASON_OK},
    {"D:\\Exchange\\", "Drop", "D:\\Exchange\\Drop", 0, DW_OK, DW_REASON_OK},
    {"D:\\Exchange", "Drop", "D:\\Exchange\\Drop", 0, DW_OK, DW_REASON_OK},
    {"\\\\srv\\share\\", "Fax", "\\\\srv\\share\\Fax", 0, DW_OK, DW_REASON_OK},
    {"\\\\?\\D:\\x", "Fax", "\\\\?\\D:\\x\\Fax", 0, DW_OK, DW_REASON_OK},
    {"\\\\?\\unc\\srv\\share", "Fax", "\\\\?\\unc\\srv\\share\\Fax", 0, DW_OK, DW_REASON_OK},
    /* Exchange keeps the separators as written; Windows reads them as the same place */
    {"D:/Exchange//", "Drop", "D:/Exchange//Drop", 0, DW_OK, DW_REASON_OK},
    {"//srv/share", "Drop", "//srv/share\\Drop", 0, DW_OK, DW_REASON_OK},
    {"/var/spool", "Drop", "/var/spool/Drop", 0, DW_OK, DW_REASON_OK},
    {"/var/spool/", "Drop", "/var/spool/Drop", 0, DW_OK, DW_REASON_OK},
    /* an absolute or rooted DropDirectory replaces the root */
    {"D:\\Exchange", "D:\\x", "D:\\x", RR | INV | DIF, DW_E_NAME, DW_REASON_DRIVE},
    {NULL, "E:\\Drops\\Fax", "E:\\Drops\\Fax", RR | INV | DIF, DW_E_NAME, DW_REASON_DRIVE},
    {"D:\\Exchange", "\\x", "\\x", RR | INV | DIF, DW_E_NAME, DW_REASON_ROOTED},
    {"D:\\Exchange", "/x", "/x", RR | INV | DIF, DW_E_NAME, DW_REASON_ROOTED},
    {"D:\\Exchange", "\\\\srv\\s", "\\\\srv\\s", RR | INV | DIF, DW_E_NAME, DW_REASON_UNC},
    {"D:\\Exchange", "\\\\?\\E:\\x", "\\\\?\\E:\\x", RR | INV | DIF, DW_E_NAME, DW_REASON_DEVICE_PREFIX},
    {"D:\\Exchange", "C:x", "C:x", RR | DRV | INV | DIF, DW_E_NAME, DW_REASON_DRIVE},
    {"D:\\Exchange", "C:", "C:", RR | DRV | INV | DIF, DW_E_NAME, DW_REASON_DRIVE},
    /* .NET Framework's IsPathRooted only looks at the second UTF-16 unit */
    {"D:\\Exchange", "1:x", "1:x", RR | INV | DIF, DW_E_NAME, DW_REASON_STREAM},
    {"D:\\Exchange", "\xC3\xA9:x", "\xC3\xA9:x", RR | INV | DIF, DW_E_NAME, DW_REASON_STREAM},
    {"D:\\Exchange", "\xF0\x9F\x93\xA7:x", "D:\\Exchange\\\xF0\x9F\x93\xA7:x", INV | DIF, DW_E_NAME, DW_REASON_STREAM},
    /* separators and dot components pass through */
    {"D:\\Exchange", "a\\b", "D:\\Exchange\\a\\b", SUB | INV | DIF, DW_E_NAME, DW_REASON_SEPARATOR},
    {"D:\\Exchange", "a/b/c", "D:\\Exchange\\a/b/c", SUB | INV | DIF, DW_E_NAME, DW_REASON_SEPARATOR},
    {NULL, "..\\..\\Windows", DEF2007 "..\\..\\Windows", ESC | INV | DIF, DW_E_NAME, DW_REASON_SEPARATOR},
    {"D:\\Exchange", "..", "D:\\Exchange\\..", ESC | INV | DIF, DW_E_NAME, DW_REASON_DOT_NAME},
    {"D:\\Exchange", ".. \\x", "D:\\Exchange\\.. \\x", ESC | INV | DIF, DW_E_NAME, DW_REASON_SEPARATOR},
    {"D:\\Exchange", "a\\..\\b", "D:\\Exchange\\a\\..\\b", INV | DIF, DW_E_NAME, DW_REASON_SEPARATOR},
    {"D:\\Exchange", "a\\..\\..\\b", "D:\\Exchange\\a\\..\\..\\b", ESC | INV | DIF, DW_E_NAME, DW_REASON_SEPARATOR},
    {"D:\\Exchange", ".\\Drop", "D:\\Exchange\\.\\Drop", INV | DIF, DW_E_NAME, DW_REASON_SEPARATOR},
    /* a trailing separator is the same place, but still not a valid name */
    {"D:\\Exchange", "Drop\\", "D:\\Exchange\\Drop\\", INV | DIF, DW_E_NAME, DW_REASON_SEPARATOR},
    /* other naming rules */
    {"D:\\Exchange", "Drop.", "D:\\Exchange\\Drop.", INV | DIF, DW_E_NAME, DW_REASON_TRAILING_DOT},
    {"D:\\Exchange", "CON", "D:\\Exchange\\CON", INV | DIF, DW_E_NAME, DW_REASON_RESERVED_NAME},
    /* no DropDirectory: Exchange writes nothing (8008), so there is no drop path at all */
    {"D:\\Exchange", "", "", NOD | INV | DIF, DW_E_NAME, DW_REASON_EMPTY},
    {"bad", "", "", NOD | INV | DIF, DW_E_ROOT, DW_REASON_ROOT_RELATIVE},
    /* root problems */
    {"D:", "Drop", "D:Drop", DRV | DIF, DW_E_ROOT, DW_REASON_ROOT_DRIVE_RELATIVE},
    {"D:Exchange", "Drop", "D:Exchange\\Drop", DRV | DIF, DW_E_ROOT, DW_REASON_ROOT_DRIVE_RELATIVE},
    {"Exchange", "Drop", "Exchange\\Drop", DIF, DW_E_ROOT, DW_REASON_ROOT_RELATIVE},
    {"D:\\a\\..\\b", "Drop", "D:\\a\\..\\b\\Drop", DIF, DW_E_ROOT, DW_REASON_ROOT_DOT_COMPONENT},
    /* POSIX roots use .NET's Unix rules: only "/" separates and roots */
    {"/var/spool", "/etc", "/etc", RR | INV | DIF, DW_E_NAME, DW_REASON_ROOTED},
    {"/var/spool", "a/b", "/var/spool/a/b", SUB | INV | DIF, DW_E_NAME, DW_REASON_SEPARATOR},
    {"/var/spool", "a\\b", "/var/spool/a\\b", INV | DIF, DW_E_NAME, DW_REASON_SEPARATOR},
    {"/var/spool", "../x", "/var/spool/../x", ESC | INV | DIF, DW_E_NAME, DW_REASON_SEPARATOR},
    {"/var/spool", "C:x", "/var/spool/C:x", INV | DIF, DW_E_NAME, DW_REASON_DRIVE},
};

START_TEST(test_explain_table)
{
    const explain_case *c = &ecases[_i];
    char buf[300];
    size_t needed = 0;
    dw_explain_info info;
    memset(&info, 0xA5, sizeof info);
    const char *label = c->root ? c->root : "(null)";
    ck_assert_int_eq(dw_path_explain(c->root, c->drop, NULL, buf, sizeof buf, &needed, &info), DW_OK);
    ck_assert_msg(strcmp(buf, c->exchange) == 0, "%s + %s: Exchange path %s, want %s", label, c->drop, buf,
                  c->exchange);
    ck_assert_uint_eq(needed, strlen(c->exchange) + 1);
    ck_assert_uint_eq(info.exchange_length, strlen(c->exchange));
    ck_assert_msg(info.warnings == c->warnings, "%s + %s: warnings 0x%x, want 0x%x", label, c->drop, info.warnings,
                  c->warnings);
    ck_assert_msg(info.strict_status == c->strict_status, "%s + %s: strict %s, want %s", label, c->drop,
                  dw_status_name(info.strict_status), dw_status_name(c->strict_status));
    ck_assert_msg(info.strict_reason == c->strict_reason, "%s + %s: reason %s, want %s", label, c->drop,
                  dw_reason_name(info.strict_reason), dw_reason_name(c->strict_reason));
    /* the strict verdict is exactly what dw_path_resolve() says */
    dw_resolve_info ri;
    char sbuf[300];
    ck_assert_int_eq(dw_path_resolve(c->root, c->drop, NULL, sbuf, sizeof sbuf, NULL, &ri), c->strict_status);
    ck_assert_int_eq(ri.reason, c->strict_reason);
}
END_TEST

START_TEST(test_explain_versions_and_install_dir)
{
    dw_resolve_options o;
    dw_resolve_options_init(&o);
    o.exchange_version = DW_EXCHANGE_2010;
    char buf[200];
    dw_explain_info info;
    ck_assert_int_eq(dw_path_explain("", "Fax", &o, buf, sizeof buf, NULL, &info), DW_OK);
    ck_assert_str_eq(buf, "C:\\Program Files\\Microsoft\\Exchange Server\\V14\\Fax");
    ck_assert_uint_eq(info.warnings, 0);
    o.install_dir = "E:\\Exch"; /* no trailing separator: Path.Combine adds one */
    ck_assert_int_eq(dw_path_explain(NULL, "Fax", &o, buf, sizeof buf, NULL, &info), DW_OK);
    ck_assert_str_eq(buf, "E:\\Exch\\Fax");
    ck_assert_uint_eq(info.warnings, 0);
    ck_assert_int_eq(dw_path_explain(NULL, "..\\Fax", &o, buf, sizeof buf, NULL, &info), DW_OK);
    ck_assert_str_eq(buf, "E:\\Exch\\..\\Fax");
    ck_assert_uint_eq(info.warnings, ESC | INV | DIF);
}
END_TEST

START_TEST(test_explain_too_long)
{
    char root[400], buf[600];
    dw_explain_info info;
    make_root(root, 200); /* 3 + 200 + "\Drop" = 208 units: under MAX_PATH but no room for a file name */
    ck_assert_int_eq(dw_path_explain(root, "Drop", NULL, buf, sizeof buf, NULL, &info), DW_OK);
    ck_assert_uint_eq(info.warnings, TL); /* same place as the strict result, which is too long too */
    ck_assert_int_eq(info.strict_status, DW_E_TOOLONG);
    ck_assert_int_eq(info.strict_reason, DW_REASON_PATH_TOO_LONG);
    make_root(root, 150);
    ck_assert_int_eq(dw_path_explain(root, "Drop", NULL, buf, sizeof buf, NULL, &info), DW_OK);
    ck_assert_uint_eq(info.warnings, 0);
    /* a rooted DropDirectory that is itself long */
    make_root(root, 250);
    ck_assert_int_eq(dw_path_explain("D:\\x", root, NULL, buf, sizeof buf, NULL, &info), DW_OK);
    ck_assert_uint_eq(info.warnings, RR | INV | DIF | TL);
    /* the long-path form is exempt */
    char lroot[400];
    strcpy(lroot, "\\\\?\\");
    make_root(lroot + 4, 250);
    ck_assert_int_eq(dw_path_explain(lroot, "Drop", NULL, buf, sizeof buf, NULL, &info), DW_OK);
    ck_assert_uint_eq(info.warnings, 0);
    ck_assert_int_eq(info.strict_status, DW_OK);
}
END_TEST

START_TEST(test_explain_buffers_and_args)
{
    size_t needed = 0;
    dw_explain_info info;
    const char *want = "D:\\Exchange\\a\\b";
    /* size query: the warnings are filled even without a buffer */
    ck_assert_int_eq(dw_path_explain("D:\\Exchange", "a\\b", NULL, NULL, 0, &needed, &info), DW_E_BUFFER);
    ck_assert_uint_eq(needed, strlen(want) + 1);
    ck_assert_uint_eq(info.warnings, SUB | INV | DIF);
    ck_assert_uint_eq(info.exchange_length, strlen(want));
    char exact[16];
    ck_assert_uint_eq(sizeof exact, strlen(want) + 1);
    ck_assert_int_eq(dw_path_explain("D:\\Exchange", "a\\b", NULL, exact, sizeof exact, &needed, &info), DW_OK);
    ck_assert_str_eq(exact, want);
    ck_assert_int_eq(dw_path_explain("D:\\Exchange", "a\\b", NULL, exact, sizeof exact - 1, &needed, NULL),
                     DW_E_BUFFER);
    ck_assert_str_eq(exact, "D:\\Exchange\\a\\");
    ck_assert_int_eq(dw_path_explain("D:\\x", NULL, NULL, exact, sizeof exact, &needed, &info), DW_E_INVAL);
    ck_assert_int_eq(dw_path_explain("D:\\x", "Drop", NULL, NULL, 5, &needed, &info), DW_E_INVAL);
    dw_resolve_options o;
    dw_resolve_options_init(&o);
    o.exchange_version = (dw_exchange_version)9;
    ck_assert_int_eq(dw_path_explain("D:\\x", "Drop", &o, exact, sizeof exact, &needed, &info), DW_E_INVAL);
    ck_assert_int_eq(dw_path_explain("D:\\x", "Drop", NULL, exact, sizeof exact, NULL, NULL), DW_OK);
    ck_assert_str_eq(exact, "D:\\x\\Drop");
}
END_TEST

START_TEST(test_explain_long_inputs_compare_without_buffer)
{
    /* Exchange's path and the strict path differ only in the last byte of a long path */
    char root[400], drop[8];
    dw_explain_info info;
    make_root(root, 180);
    strcpy(drop, "Drop");
    ck_assert_int_eq(dw_path_explain(root, drop, NULL, NULL, 0, NULL, &info), DW_E_BUFFER);
    ck_assert_uint_eq(info.warnings, 0);
    strcat(root, "\\"); /* trailing separator: same place */
    ck_assert_int_eq(dw_path_explain(root, drop, NULL, NULL, 0, NULL, &info), DW_E_BUFFER);
    ck_assert_uint_eq(info.warnings, 0);
    ck_assert_int_eq(dw_path_explain(root, "Drop\\x", NULL, NULL, 0, NULL, &info), DW_E_BUFFER);
    ck_assert_uint_eq(info.warnings, SUB | INV | DIF);
}
END_TEST

/* Event Exchange would log for a configuration: 8008 for an empty DropDirectory, 8007 when the longest
 * file name Exchange generates for the machine would take a message path past MAX_PATH. */
START_TEST(test_explain_events_and_8007_estimate)
{
    dw_explain_info info;
    char buf[600];
    ck_assert_int_eq(dw_path_explain("D:\\Exchange", "", NULL, buf, sizeof buf, NULL, &info), DW_OK);
    ck_assert_str_eq(buf, "");
    ck_assert_uint_eq(info.event, 8008);
    ck_assert_ptr_nonnull(strstr(dw_explain_warning_str(NOD), "8008"));

    /* "D:\" + name: a 15-character machine gives names of 15 + 47 = 62 units; with the separator the
     * directory may be 259 - 63 = 196 units long */
    dw_resolve_options o;
    dw_resolve_options_init(&o);
    ck_assert_ptr_null(o.machine_name);
    char drop[300];
    for (size_t dirlen = 190; dirlen <= 250; dirlen++) {
        for (int m = 0; m < 3; m++) {
            static const char *const machines[] = {NULL, "HUB01.contoso.com", "a-very-long-machine-name"};
            o.machine_name = machines[m];
            size_t mlen = m == 1 ? 5 : 15; /* NetBIOS: first label, at most 15; unknown = 15 */
            memset(drop, 'd', dirlen - 3);
            drop[dirlen - 3] = '\0';
            ck_assert_int_eq(dw_path_explain("D:\\", drop, &o, buf, sizeof buf, NULL, &info), DW_OK);
            ck_assert_uint_eq(info.exchange_units, dirlen);
            ck_assert_uint_eq(info.longest_file_name, mlen + DW_EXCHANGE_NAME_FIXED);
            int too_long = dirlen > 247 || dirlen + 1 + mlen + 47 > 259;
            ck_assert_msg(!!(info.warnings & TL) == too_long, "dir %zu machine %d: warnings 0x%x", dirlen, m,
                          info.warnings);
            ck_assert_uint_eq(info.event, too_long ? 8007u : 0u);
        }
    }
    /* the \\?\ form has no MAX_PATH: no estimate applies */
    memset(drop, 'd', 240);
    drop[240] = '\0';
    o.machine_name = NULL;
    ck_assert_int_eq(dw_path_explain("\\\\?\\D:\\", drop, &o, buf, sizeof buf, NULL, &info), DW_OK);
    ck_assert_uint_eq(info.warnings & TL, 0);
}
END_TEST

START_TEST(test_explain_warning_texts)
{
    unsigned bits[] = {RR, SUB, ESC, INV, DIF, TL, DRV, NOD, DW_WARN_COMBINE_FAILS};
    for (size_t i = 0; i < sizeof bits / sizeof bits[0]; i++) {
        const char *t = dw_explain_warning_str(bits[i]);
        ck_assert_str_ne(t, "unknown warning");
        for (size_t j = 0; j < i; j++)
            ck_assert_str_ne(t, dw_explain_warning_str(bits[j]));
    }
    ck_assert_str_eq(dw_explain_warning_str(1u << 9), "unknown warning");
    ck_assert_str_eq(dw_explain_warning_str(RR | SUB), "unknown warning"); /* one bit at a time */
    ck_assert_str_ne(dw_explain_warning_str(DW_WARN_NONE), "unknown warning");
}
END_TEST

/* ---- properties over generated inputs (fixed seed: deterministic) ---------------------------------- */

static uint32_t rng_state = 0x2545F491u;

static uint32_t rng(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 17;
    rng_state ^= rng_state << 5;
    return rng_state;
}

static void gen(char *out, size_t cap, const char *const *tokens, size_t ntok, unsigned maxparts)
{
    out[0] = '\0';
    unsigned parts = rng() % (maxparts + 1);
    for (unsigned i = 0; i < parts; i++) {
        const char *t = tokens[rng() % ntok];
        if (strlen(out) + strlen(t) + 1 < cap)
            strcat(out, t);
    }
}

START_TEST(test_generated_properties)
{
    static const char *const rtok[] = {"D:", "\\", "/", "a", "b c", "..", ".", "?", "UNC", "srv", "share",
                                       "\\\\", "//", "\\\\?\\", ":", " ", "\xC3\xA9", "CON", "x.", "$", "\\??\\"};
    static const char *const dtok[] = {"Drop", "a", "\\", "/", "..", ".", ":", "C:", " ", "CON", "ab", "\xC3\xA9",
                                       "\xF0\x9F\x93\xA7", "\xEF\xBC\x8F", "%2e", "<", "\x01", "\xC0\xAF"};
    char root[128], drop[64], buf[512], ebuf[512];
    unsigned ok = 0;
    for (int iter = 0; iter < 20000; iter++) {
        static const char *const prefixes[] = {"", "D:\\", "d:/", "\\\\srv\\share", "//srv/share/",
                                               "\\\\?\\D:\\", "\\\\?\\UNC\\srv\\share\\", "/var",
                                               "/"};
        char tail[100];
        gen(tail, sizeof tail, rtok, sizeof rtok / sizeof rtok[0], 6);
        snprintf(root, sizeof root, "%s%s", prefixes[rng() % (sizeof prefixes / sizeof prefixes[0])], tail);
        gen(drop, sizeof drop, dtok, sizeof dtok / sizeof dtok[0], 3);
        dw_resolve_info info;
        size_t needed = 0, needed0 = 0;
        dw_status st = dw_path_resolve(root, drop, NULL, buf, sizeof buf, &needed, &info);
        /* the size query agrees with the real call */
        dw_status st0 = dw_path_resolve(root, drop, NULL, NULL, 0, &needed0, NULL);
        if (st == DW_OK || st == DW_E_TOOLONG) {
            ck_assert_int_eq(st0, DW_E_BUFFER);
            ck_assert_uint_eq(needed0, needed);
        } else {
            ck_assert_int_eq(st0, st);
        }
        dw_explain_info ex;
        ck_assert_int_eq(dw_path_explain(root, drop, NULL, ebuf, sizeof ebuf, NULL, &ex), DW_OK);
        ck_assert_int_eq(ex.strict_status, st);
        ck_assert_int_eq(ex.strict_reason, info.reason);
        if (st != DW_OK) {
            ck_assert_int_ne(info.reason, DW_REASON_OK);
            continue;
        }
        ok++;
        /* a valid result: the name is valid, joined once, no dot components, and Exchange agrees */
        ck_assert_int_eq(dw_name_validate(drop, NULL), DW_OK);
        size_t len = strlen(buf), dl = strlen(drop);
        ck_assert_uint_eq(len, info.length);
        ck_assert_uint_gt(len, dl);
        ck_assert_str_eq(buf + len - dl, drop);
        char sep = info.style == DW_STYLE_POSIX ? '/' : '\\';
        ck_assert_int_eq(buf[len - dl - 1], sep);
        if (info.style == DW_STYLE_WINDOWS) {
            ck_assert_ptr_null(strchr(buf, '/'));
            ck_assert_ptr_null(strstr(buf + 1, "\\\\"));
            ck_assert_ptr_null(strstr(buf, "\\.\\"));
            ck_assert_ptr_null(strstr(buf, "\\..\\"));
        } else {
            ck_assert_ptr_null(strstr(buf, "//"));
            ck_assert_ptr_null(strstr(buf, "/./"));
            ck_assert_ptr_null(strstr(buf, "/../"));
        }
        ck_assert_msg(ex.warnings == 0, "%s + %s -> %s / Exchange %s: warnings 0x%x", root, drop, buf, ebuf,
                      ex.warnings);
    }
    ck_assert_uint_gt(ok, 1000); /* the generator does reach valid inputs */
}
END_TEST

static Suite *path_suite(void)
{
    Suite *s = suite_create("path");
    TCase *tc = tcase_create("resolve");
    int n = (int)(sizeof cases / sizeof cases[0]);
    tcase_add_loop_test(tc, test_resolve_table, 0, n);
    tcase_add_loop_test(tc, test_resolve_table_null_options, 0, n);
    tcase_add_test(tc, test_resolve_options_version);
    tcase_add_test(tc, test_exchange_versions);
    tcase_add_test(tc, test_exchange_version_from_build);
    tcase_add_test(tc, test_resolve_style);
    tcase_add_test(tc, test_custom_install_dir);
    tcase_add_test(tc, test_bad_arguments);
    tcase_add_test(tc, test_buffers);
    tcase_add_test(tc, test_max_path_boundaries);
    tcase_add_test(tc, test_length_counts_utf16_units);
    tcase_add_test(tc, test_root_too_long);
    tcase_add_test(tc, test_long_path_and_posix_have_no_max_path);
    tcase_add_test(tc, test_long_path_limit);
    suite_add_tcase(s, tc);
    TCase *te = tcase_create("explain");
    tcase_add_loop_test(te, test_explain_table, 0, (int)(sizeof ecases / sizeof ecases[0]));
    tcase_add_test(te, test_explain_versions_and_install_dir);
    tcase_add_test(te, test_explain_too_long);
    tcase_add_test(te, test_explain_buffers_and_args);
    tcase_add_test(te, test_explain_long_inputs_compare_without_buffer);
    tcase_add_test(te, test_explain_warning_texts);
    tcase_add_test(te, test_explain_events_and_8007_estimate);
    tcase_add_test(te, test_generated_properties);
    suite_add_tcase(s, te);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(path_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
