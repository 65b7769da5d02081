/* SPDX-License-Identifier: MIT */
/* Tests for lib/name.c: every DropDirectory naming rule, accepted and rejected, with reason and offset. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "dropwatch.h"

typedef struct name_case {
    const char *name;
    dw_reason reason;
    size_t offset;
    uint32_t codepoint;
} name_case;

#define OKC(s) {s, DW_REASON_OK, 0, 0}

static const name_case accepted[] = {
    OKC("Drop"),
    OKC("Fax Connector"),          /* inner space */
    OKC("my.drop.dir"),            /* inner dots */
    OKC("x..y"),
    OKC(".hidden"),                /* a leading dot is just a character */
    OKC("..x"),
    OKC("\xC3\x9C" "bermittlung"), /* Übermittlung */
    OKC("\xE6\x97\xA5\xE6\x9C\xAC"), /* 日本 */
    OKC("mail\xF0\x9F\x93\xA7"),   /* non-BMP */
    OKC("%2e%2e"),                 /* percent-encoding is never decoded */
    OKC("%2F%5C"),
    OKC("CLOCK$"),                 /* reserved only before Windows NT: accepted */
    OKC("clock$.txt"),
    OKC("CONSOLE"),
    OKC("AUXILIARY"),
    OKC("CON$"),
    OKC("NUL_"),
    OKC("COM10"),
    OKC("LPT"),
    OKC("COM"),
    OKC("xCON"),
    OKC("LPT\xC2\xB9x"),          /* LPT¹x */
    OKC("COM\xC2\xB4"),            /* COM´ (acute accent, not a superscript digit) */
    OKC("a\x7F" "b"),              /* DEL is not a control character for Windows names */
    OKC("$"),
    OKC("-"),
    OKC("a;b,c=d+e[f]g{h}i'j!k@l#m%n^o&p(q)r~s`t"),
    /* edges of the scan's ASCII fast path and its inline two-byte decoding */
    OKC("a\x7F\xC3\xA9"),             /* last ASCII byte, then the first decoded one */
    OKC("a\xC2\x80"),                 /* U+0080, the smallest two-byte form */
    OKC("\xDF\xBF" "b"),              /* U+07FF, the largest */
    OKC("\xC2\xA4\xC2\xA6"),          /* the neighbours of the yen look-alike U+00A5 */
    OKC("\xC3\xA9" "CON"),            /* a reserved word after a non-ASCII first character */
    OKC("LPT1 x"),
    OKC("COM1       x.txt"),
    OKC("  .a"),
};

static const name_case rejected[] = {
    /* blank */
    {" ", DW_REASON_BLANK, 0, 0},
    {"    ", DW_REASON_BLANK, 0, 0},
    /* separators */
    {"a\\b", DW_REASON_SEPARATOR, 1, '\\'},
    {"a/b", DW_REASON_SEPARATOR, 1, '/'},
    {"Drop\\", DW_REASON_SEPARATOR, 4, '\\'},
    {"..\\x", DW_REASON_SEPARATOR, 2, '\\'},
    {"a\\b<", DW_REASON_SEPARATOR, 1, '\\'},
    /* drives */
    {"C:", DW_REASON_DRIVE, 1, ':'},
    {"C:foo", DW_REASON_DRIVE, 1, ':'},
    {"C:\\x", DW_REASON_DRIVE, 1, ':'},
    {"z:/x", DW_REASON_DRIVE, 1, ':'},
    /* UNC, device prefixes, rooted */
    {"\\\\srv\\share", DW_REASON_UNC, 0, '\\'},
    {"\\\\srv\\s", DW_REASON_UNC, 0, '\\'},
    {"//srv/share", DW_REASON_UNC, 0, '/'},
    {"\\\\", DW_REASON_UNC, 0, '\\'},
    {"\\\\?\\C:", DW_REASON_DEVICE_PREFIX, 0, '\\'},
    {"\\\\?\\C:\\x", DW_REASON_DEVICE_PREFIX, 0, '\\'},
    {"\\\\.\\pipe\\x", DW_REASON_DEVICE_PREFIX, 0, '\\'},
    {"//?/C:", DW_REASON_DEVICE_PREFIX, 0, '/'},
    {"\\??\\C:\\x", DW_REASON_DEVICE_PREFIX, 0, '\\'},
    {"/?\?/x", DW_REASON_DEVICE_PREFIX, 0, '/'},
    {"\\x", DW_REASON_ROOTED, 0, '\\'},
    {"/x", DW_REASON_ROOTED, 0, '/'},
    {"\\", DW_REASON_ROOTED, 0, '\\'},
    {"\\??", DW_REASON_ROOTED, 0, '\\'},
    /* dot names */
    {".", DW_REASON_DOT_NAME, 0, 0},
    {"..", DW_REASON_DOT_NAME, 0, 0},
    {"...", DW_REASON_DOT_NAME, 0, 0},
    {". .", DW_REASON_DOT_NAME, 0, 0},
    {".. ", DW_REASON_DOT_NAME, 0, 0},
    {"..  .", DW_REASON_DOT_NAME, 0, 0},
    {" .", DW_REASON_DOT_NAME, 0, 0},
    /* forbidden characters */
    {"a<b", DW_REASON_FORBIDDEN_CHAR, 1, '<'},
    {"a>b", DW_REASON_FORBIDDEN_CHAR, 1, '>'},
    {"a\"b", DW_REASON_FORBIDDEN_CHAR, 1, '"'},
    {"a|b", DW_REASON_FORBIDDEN_CHAR, 1, '|'},
    {"a?b", DW_REASON_FORBIDDEN_CHAR, 1, '?'},
    {"*", DW_REASON_FORBIDDEN_CHAR, 0, '*'},
    {"abc*", DW_REASON_FORBIDDEN_CHAR, 3, '*'},
    {":x", DW_REASON_FORBIDDEN_CHAR, 0, ':'},
    {"a<b\\", DW_REASON_FORBIDDEN_CHAR, 1, '<'}, /* first by position */
    {"\xC3\xA9?", DW_REASON_FORBIDDEN_CHAR, 2, '?'}, /* byte offset, not character index */
    /* alternate data streams */
    {"name:stream", DW_REASON_STREAM, 4, ':'},
    {"Drop::$DATA", DW_REASON_STREAM, 4, ':'},
    {"1:x", DW_REASON_STREAM, 1, ':'}, /* not a drive letter */
    /* control characters */
    {"a\x01" "b", DW_REASON_CONTROL_CHAR, 1, 1},
    {"a\tb", DW_REASON_CONTROL_CHAR, 1, '\t'},
    {"Drop\n", DW_REASON_CONTROL_CHAR, 4, '\n'},
    {"\r", DW_REASON_CONTROL_CHAR, 0, '\r'},
    {"x\x1F", DW_REASON_CONTROL_CHAR, 1, 0x1F},
    /* trailing dot / space */
    {"Drop.", DW_REASON_TRAILING_DOT, 4, '.'},
    {"a.b.", DW_REASON_TRAILING_DOT, 3, '.'},
    {"Drop ", DW_REASON_TRAILING_SPACE, 4, ' '},
    {"Drop. ", DW_REASON_TRAILING_SPACE, 5, ' '},
    {"Drop .", DW_REASON_TRAILING_DOT, 5, '.'},
    /* reserved device names */
    {"CON", DW_REASON_RESERVED_NAME, 0, 0},
    {"con", DW_REASON_RESERVED_NAME, 0, 0},
    {"Prn", DW_REASON_RESERVED_NAME, 0, 0},
    {"aux", DW_REASON_RESERVED_NAME, 0, 0},
    {"Nul.txt", DW_REASON_RESERVED_NAME, 0, 0},
    {"nul.tar.gz", DW_REASON_RESERVED_NAME, 0, 0},
    {"COM0", DW_REASON_RESERVED_NAME, 0, 0},
    {"COM1.log", DW_REASON_RESERVED_NAME, 0, 0},
    {"com9", DW_REASON_RESERVED_NAME, 0, 0},
    {"LPT0", DW_REASON_RESERVED_NAME, 0, 0},
    {"lpt5.x", DW_REASON_RESERVED_NAME, 0, 0},
    {"LPT9", DW_REASON_RESERVED_NAME, 0, 0},
    {"COM\xC2\xB9", DW_REASON_RESERVED_NAME, 0, 0},
    {"com\xC2\xB2", DW_REASON_RESERVED_NAME, 0, 0},
    {"COM\xC2\xB3.txt", DW_REASON_RESERVED_NAME, 0, 0},
    {"LPT\xC2\xB9", DW_REASON_RESERVED_NAME, 0, 0},
    {"LPT\xC2\xB2", DW_REASON_RESERVED_NAME, 0, 0},
    {"lpt\xC2\xB3", DW_REASON_RESERVED_NAME, 0, 0},
    {"CONIN$", DW_REASON_RESERVED_NAME, 0, 0},
    {"conout$", DW_REASON_RESERVED_NAME, 0, 0},
    {"CONIN$.txt", DW_REASON_RESERVED_NAME, 0, 0},
    {"CON .txt", DW_REASON_RESERVED_NAME, 0, 0},
    {"CON   .txt", DW_REASON_RESERVED_NAME, 0, 0},
    {"CON.", DW_REASON_RESERVED_NAME, 0, 0},
    {"PRN ", DW_REASON_RESERVED_NAME, 0, 0},
    {"aux.", DW_REASON_RESERVED_NAME, 0, 0},
    /* invalid UTF-8 */
    {"\xC0\xAF", DW_REASON_INVALID_UTF8, 0, 0xC0},          /* overlong '/' */
    {"a\xE0\x80\xAF", DW_REASON_INVALID_UTF8, 1, 0xE0},      /* 3-byte overlong '/' */
    {"a\xED\xA0\x80", DW_REASON_INVALID_UTF8, 1, 0xED},      /* UTF-16 surrogate */
    {"ab\xE2\x82", DW_REASON_INVALID_UTF8, 2, 0xE2},         /* truncated */
    {"\xF4\x90\x80\x80", DW_REASON_INVALID_UTF8, 0, 0xF4},   /* > U+10FFFF */
    {"x\x80", DW_REASON_INVALID_UTF8, 1, 0x80},              /* stray continuation */
    {"\xFF", DW_REASON_INVALID_UTF8, 0, 0xFF},
    {"a\xC3", DW_REASON_INVALID_UTF8, 1, 0xC3},
    /* separator look-alikes */
    {"a\xEF\xBC\x8F" "b", DW_REASON_LOOKALIKE, 1, 0xFF0F},
    {"a\xEF\xBC\xBC" "b", DW_REASON_LOOKALIKE, 1, 0xFF3C},
    {"a\xE2\x88\x95" "b", DW_REASON_LOOKALIKE, 1, 0x2215},
    {"a\xE2\x81\x84" "b", DW_REASON_LOOKALIKE, 1, 0x2044},
    {"a\xE2\xA7\xB5" "b", DW_REASON_LOOKALIKE, 1, 0x29F5},
    {"a\xEF\xB9\xA8" "b", DW_REASON_LOOKALIKE, 1, 0xFE68},
    {"a\xC2\xA5" "b", DW_REASON_LOOKALIKE, 1, 0xA5},
    {"a\xE2\x82\xA9" "b", DW_REASON_LOOKALIKE, 1, 0x20A9},
    {"\xEF\xBC\x8F\xEF\xBC\x8E\xEF\xBC\x8E", DW_REASON_LOOKALIKE, 0, 0xFF0F},
    /* edges of the scan's ASCII fast path: the first bad character by position, ASCII or not */
    {"a<\xC3\xA9", DW_REASON_FORBIDDEN_CHAR, 1, '<'},      /* non-ASCII right after a forbidden char */
    {"a<\xFF", DW_REASON_FORBIDDEN_CHAR, 1, '<'},          /* invalid UTF-8 after it does not win */
    {"a|\xEF\xBC\x8F", DW_REASON_FORBIDDEN_CHAR, 1, '|'}, /* nor a look-alike */
    {"\xC2\xA5<", DW_REASON_LOOKALIKE, 0, 0xA5},          /* two-byte look-alike before ASCII */
    {"\xC3\xA9:x", DW_REASON_STREAM, 2, ':'},              /* ':' after a decoded character */
    {"\xC3\xA9/x", DW_REASON_SEPARATOR, 2, '/'},
    {"a\xC3\xA9\x01", DW_REASON_CONTROL_CHAR, 3, 1},
    {"\xC3\xA9\xC3", DW_REASON_INVALID_UTF8, 2, 0xC3},     /* truncated two-byte form at the end */
    {"\xC3\xA9\xC3(", DW_REASON_INVALID_UTF8, 2, 0xC3},    /* lead byte without continuation */
    {"\xC1\xBF", DW_REASON_INVALID_UTF8, 0, 0xC1},         /* overlong two-byte form */
    {"ab\xE0\xA0", DW_REASON_INVALID_UTF8, 2, 0xE0},       /* truncated three-byte form */
    {"\xC3\xA9 ", DW_REASON_TRAILING_SPACE, 2, ' '},
    {"\xC3\xA9.", DW_REASON_TRAILING_DOT, 2, '.'},
    {"CONIN$   ", DW_REASON_RESERVED_NAME, 0, 0},
    {"conout$ .txt", DW_REASON_RESERVED_NAME, 0, 0},
    {"Lpt\xC2\xB3 .x", DW_REASON_RESERVED_NAME, 0, 0},
    {"  ..  ", DW_REASON_DOT_NAME, 0, 0},
};

static void check_case(const name_case *c, dw_status got, const dw_name_check *r)
{
    dw_status want = c->reason == DW_REASON_OK ? DW_OK : DW_E_NAME;
    ck_assert_msg(got == want, "\"%s\": status %s, want %s", c->name, dw_status_name(got), dw_status_name(want));
    ck_assert_msg(r->reason == c->reason, "\"%s\": reason %s, want %s", c->name, dw_reason_name(r->reason),
                  dw_reason_name(c->reason));
    ck_assert_msg(r->offset == c->offset, "\"%s\": offset %zu, want %zu", c->name, r->offset, c->offset);
    ck_assert_msg(r->codepoint == c->codepoint, "\"%s\": codepoint U+%04X, want U+%04X", c->name,
                  (unsigned)r->codepoint, (unsigned)c->codepoint);
}

START_TEST(test_accepted)
{
    const name_case *c = &accepted[_i];
    dw_name_check r;
    memset(&r, 0xA5, sizeof r);
    check_case(c, dw_name_validate(c->name, &r), &r);
    /* the length-delimited variant agrees */
    memset(&r, 0xA5, sizeof r);
    check_case(c, dw_name_validate_n(c->name, strlen(c->name), &r), &r);
    ck_assert_int_eq(dw_name_validate(c->name, NULL), DW_OK);
}
END_TEST

START_TEST(test_rejected)
{
    const name_case *c = &rejected[_i];
    dw_name_check r;
    memset(&r, 0xA5, sizeof r);
    check_case(c, dw_name_validate(c->name, &r), &r);
    memset(&r, 0xA5, sizeof r);
    check_case(c, dw_name_validate_n(c->name, strlen(c->name), &r), &r);
    ck_assert_int_eq(dw_name_validate(c->name, NULL), DW_E_NAME);
}
END_TEST

START_TEST(test_empty_and_null)
{
    dw_name_check r;
    ck_assert_int_eq(dw_name_validate("", &r), DW_E_NAME);
    ck_assert_int_eq(r.reason, DW_REASON_EMPTY);
    ck_assert_uint_eq(r.utf16_units, 0);
    ck_assert_int_eq(dw_name_validate_n("abc", 0, &r), DW_E_NAME);
    ck_assert_int_eq(r.reason, DW_REASON_EMPTY);
    ck_assert_int_eq(dw_name_validate_n(NULL, 0, &r), DW_E_NAME);
    ck_assert_int_eq(r.reason, DW_REASON_EMPTY);
    ck_assert_int_eq(dw_name_validate_n(NULL, 3, &r), DW_E_INVAL);
    ck_assert_int_eq(dw_name_validate(NULL, &r), DW_E_INVAL);
    ck_assert_int_eq(dw_name_validate(NULL, NULL), DW_E_INVAL);
    ck_assert_int_eq(dw_name_validate_n(NULL, 1, NULL), DW_E_INVAL);
}
END_TEST

START_TEST(test_embedded_nul)
{
    dw_name_check r;
    ck_assert_int_eq(dw_name_validate_n("a\0b", 3, &r), DW_E_NAME);
    ck_assert_int_eq(r.reason, DW_REASON_EMBEDDED_NUL);
    ck_assert_uint_eq(r.offset, 1);
    ck_assert_uint_eq(r.codepoint, 0);
    ck_assert_int_eq(dw_name_validate_n("\0", 1, &r), DW_E_NAME);
    ck_assert_int_eq(r.reason, DW_REASON_EMBEDDED_NUL);
    ck_assert_uint_eq(r.offset, 0);
    /* "CON\0x": the NUL is found before the (truncated) reserved name */
    ck_assert_int_eq(dw_name_validate_n("CON\0x", 5, &r), DW_E_NAME);
    ck_assert_int_eq(r.reason, DW_REASON_EMBEDDED_NUL);
    ck_assert_uint_eq(r.offset, 3);
    /* a trailing NUL counts too: "Drop\0" is not "Drop" */
    ck_assert_int_eq(dw_name_validate_n("Drop\0", 5, &r), DW_E_NAME);
    ck_assert_int_eq(r.reason, DW_REASON_EMBEDDED_NUL);
    ck_assert_uint_eq(r.offset, 4);
    /* only the given length is read: "Drop" out of "DropX" */
    ck_assert_int_eq(dw_name_validate_n("Drop/", 4, &r), DW_OK);
    ck_assert_uint_eq(r.utf16_units, 4);
    /* the NUL-terminated entry point stops at the NUL */
    ck_assert_int_eq(dw_name_validate("a\0/", &r), DW_OK);
}
END_TEST

START_TEST(test_length_limit)
{
    char buf[1100];
    dw_name_check r;
    /* 255 ASCII units: accepted */
    memset(buf, 'a', 255);
    buf[255] = '\0';
    ck_assert_int_eq(dw_name_validate(buf, &r), DW_OK);
    ck_assert_uint_eq(r.utf16_units, 255);
    /* 256: rejected at the 256th character */
    memset(buf, 'a', 256);
    buf[256] = '\0';
    ck_assert_int_eq(dw_name_validate(buf, &r), DW_E_NAME);
    ck_assert_int_eq(r.reason, DW_REASON_TOO_LONG);
    ck_assert_uint_eq(r.offset, 255);
    ck_assert_uint_eq(r.codepoint, 'a');
    ck_assert_uint_eq(r.utf16_units, 256);

    /* non-BMP characters count two units: 127 of them + "a" = 255 units in 509 bytes */
    size_t n = 0;
    for (int i = 0; i < 127; i++) {
        memcpy(buf + n, "\xF0\x9F\x93\xA7", 4);
        n += 4;
    }
    buf[n++] = 'a';
    buf[n] = '\0';
    ck_assert_int_eq(dw_name_validate(buf, &r), DW_OK);
    ck_assert_uint_eq(r.utf16_units, 255);
    /* 128 of them = 256 units: the 128th character (at byte 508) crosses the limit */
    memcpy(buf + 508, "\xF0\x9F\x93\xA7", 5);
    ck_assert_int_eq(dw_name_validate(buf, &r), DW_E_NAME);
    ck_assert_int_eq(r.reason, DW_REASON_TOO_LONG);
    ck_assert_uint_eq(r.offset, 508);
    ck_assert_uint_eq(r.codepoint, 0x1F4E7);
    ck_assert_uint_eq(r.utf16_units, 256);

    /* 255 BMP characters of 3 bytes each (765 bytes) are still 255 units */
    n = 0;
    for (int i = 0; i < 255; i++) {
        memcpy(buf + n, "\xE6\x97\xA5", 3);
        n += 3;
    }
    buf[n] = '\0';
    ck_assert_int_eq(dw_name_validate(buf, &r), DW_OK);
    ck_assert_uint_eq(r.utf16_units, 255);

    /* a blank overlong value is reported as blank, an invalid character before the limit wins */
    memset(buf, ' ', 300);
    buf[300] = '\0';
    ck_assert_int_eq(dw_name_validate(buf, &r), DW_E_NAME);
    ck_assert_int_eq(r.reason, DW_REASON_BLANK);
    memset(buf, 'a', 300);
    buf[10] = '?';
    ck_assert_int_eq(dw_name_validate(buf, &r), DW_E_NAME);
    ck_assert_int_eq(r.reason, DW_REASON_FORBIDDEN_CHAR);
    ck_assert_uint_eq(r.offset, 10);
}
END_TEST

/* Long names: the fast path counts ASCII runs in bulk, so the exact code unit that crosses the limit, the
 * reported length and the first bad character must not depend on where runs begin and end. */
static void expect(const char *buf, size_t len, dw_reason reason, size_t offset, uint32_t cp, size_t units)
{
    dw_name_check r;
    memset(&r, 0xA5, sizeof r);
    dw_status st = dw_name_validate_n(buf, len, &r);
    ck_assert_int_eq(st, reason == DW_REASON_OK ? DW_OK : DW_E_NAME);
    ck_assert_msg(r.reason == reason, "len %zu: reason %s, want %s", len, dw_reason_name(r.reason), dw_reason_name(reason));
    ck_assert_uint_eq(r.offset, offset);
    ck_assert_uint_eq(r.codepoint, cp);
    ck_assert_uint_eq(r.utf16_units, units);
}

#define NONBMP "\xF0\x9F\x93\xA7" /* U+1F4E7: 4 bytes, 2 UTF-16 units */

START_TEST(test_long_mixed)
{
    char buf[1100];
    size_t n;

    /* ASCII then one non-BMP character: 253 + 2 = 255 units fit, 254 + 2 = 256 cross at the character */
    memset(buf, 'a', 253);
    memcpy(buf + 253, NONBMP, 4);
    expect(buf, 257, DW_REASON_OK, 0, 0, 255);
    memset(buf, 'a', 254);
    memcpy(buf + 254, NONBMP, 4);
    expect(buf, 258, DW_REASON_TOO_LONG, 254, 0x1F4E7, 256);

    /* alternating "a" + non-BMP (3 units in 5 bytes): 85 pairs are exactly 255 units */
    n = 0;
    for (int i = 0; i < 85; i++) {
        buf[n++] = 'a';
        memcpy(buf + n, NONBMP, 4);
        n += 4;
    }
    expect(buf, n, DW_REASON_OK, 0, 0, 255);
    buf[n] = 'b'; /* one more ASCII unit: the limit is crossed by it */
    expect(buf, n + 1, DW_REASON_TOO_LONG, 425, 'b', 256);
    /* 84 pairs (252 units) + "ab" (254) + non-BMP: crossed at the non-BMP character */
    n = 84 * 5;
    memcpy(buf + n, "ab" NONBMP "cd", 8);
    expect(buf, n + 8, DW_REASON_TOO_LONG, 422, 0x1F4E7, 258);
    /* 84 pairs + "abc" is 255 units; a "d" after it crosses */
    memcpy(buf + n, "abcd", 4);
    expect(buf, n + 3, DW_REASON_OK, 0, 0, 255);
    expect(buf, n + 4, DW_REASON_TOO_LONG, 423, 'd', 256);

    /* 100 × U+00E9 (200 bytes, 100 units), then ASCII: the 156th ASCII byte crosses */
    n = 0;
    for (int i = 0; i < 100; i++) {
        memcpy(buf + n, "\xC3\xA9", 2);
        n += 2;
    }
    memset(buf + n, 'a', 300);
    expect(buf, n + 155, DW_REASON_OK, 0, 0, 255);
    expect(buf, n + 156, DW_REASON_TOO_LONG, n + 155, 'a', 256);
    expect(buf, n + 300, DW_REASON_TOO_LONG, n + 155, 'a', 400);

    /* invalid UTF-8 after a long ASCII run: its own offset, the length measured up to it, and it beats
     * TOO_LONG; a later invalid byte does not displace an earlier bad character */
    memset(buf, 'x', 300);
    buf[300] = '\xC0';
    buf[301] = '\xAF';
    expect(buf, 302, DW_REASON_INVALID_UTF8, 300, 0xC0, 300);
    buf[299] = '\xC3'; /* lead byte whose continuation is the bad C0 */
    expect(buf, 302, DW_REASON_INVALID_UTF8, 299, 0xC3, 299);
    buf[10] = '*';
    expect(buf, 302, DW_REASON_FORBIDDEN_CHAR, 10, '*', 299);
    /* a bad character past the limit still beats TOO_LONG */
    memset(buf, 'x', 300);
    buf[280] = '<';
    expect(buf, 300, DW_REASON_FORBIDDEN_CHAR, 280, '<', 300);
    /* a look-alike after a long ASCII run */
    memset(buf, 'x', 250);
    memcpy(buf + 250, "\xEF\xBC\x8F", 3);
    expect(buf, 253, DW_REASON_LOOKALIKE, 250, 0xFF0F, 251);

    /* only dots and spaces, too long: TOO_LONG comes before DOT_NAME */
    memset(buf, ' ', 300);
    buf[0] = '.';
    expect(buf, 300, DW_REASON_TOO_LONG, 255, ' ', 300);
    expect(buf, 255, DW_REASON_DOT_NAME, 0, 0, 255);
    /* all spaces but one dot at the end: a dot name, not blank */
    memset(buf, ' ', 300);
    buf[200] = '.';
    expect(buf, 201, DW_REASON_DOT_NAME, 0, 0, 201);

    /* reserved names with long runs of spaces before the extension are still found */
    memcpy(buf, "CON", 3);
    memset(buf + 3, ' ', 240);
    memcpy(buf + 243, ".txt", 4);
    expect(buf, 247, DW_REASON_RESERVED_NAME, 0, 0, 247);
    ck_assert_int_eq(dw_name_validate_n(buf, 247, NULL), DW_E_NAME);
    memcpy(buf, "conout$", 7);
    expect(buf, 247, DW_REASON_RESERVED_NAME, 0, 0, 247);
    buf[200] = 'x'; /* a non-space before the extension: no longer a device name */
    expect(buf, 247, DW_REASON_OK, 0, 0, 247);
}
END_TEST

START_TEST(test_utf16_units_reported)
{
    dw_name_check r;
    ck_assert_int_eq(dw_name_validate("a\xF0\x9F\x93\xA7\xC3\xA9", &r), DW_OK);
    ck_assert_uint_eq(r.utf16_units, 4);
    /* also on rejection, as far as the input could be decoded */
    ck_assert_int_eq(dw_name_validate("ab/cd", &r), DW_E_NAME);
    ck_assert_uint_eq(r.utf16_units, 5);
    ck_assert_int_eq(dw_name_validate("ab\xFF" "cd", &r), DW_E_NAME);
    ck_assert_uint_eq(r.utf16_units, 2);
}
END_TEST

START_TEST(test_is_reserved)
{
    ck_assert_int_eq(dw_name_is_reserved("CON"), 1);
    ck_assert_int_eq(dw_name_is_reserved("nul.txt"), 1);
    ck_assert_int_eq(dw_name_is_reserved("LPT\xC2\xB2"), 1);
    ck_assert_int_eq(dw_name_is_reserved("Con .log"), 1);
    ck_assert_int_eq(dw_name_is_reserved("CONOUT$"), 1);
    ck_assert_int_eq(dw_name_is_reserved("aux:stream"), 1);
    ck_assert_int_eq(dw_name_is_reserved("CLOCK$"), 0);
    ck_assert_int_eq(dw_name_is_reserved("CONSOLE"), 0);
    ck_assert_int_eq(dw_name_is_reserved("COM10"), 0);
    ck_assert_int_eq(dw_name_is_reserved(" CON"), 0); /* leading spaces are not stripped */
    ck_assert_int_eq(dw_name_is_reserved(""), 0);
    ck_assert_int_eq(dw_name_is_reserved(NULL), 0);
}
END_TEST

START_TEST(test_reason_texts)
{
    for (int r = 0; r < DW_REASON_COUNT; r++) {
        ck_assert_str_ne(dw_reason_str((dw_reason)r), "unknown reason");
        const char *name = dw_reason_name((dw_reason)r);
        ck_assert_msg(strncmp(name, "DW_REASON_", 10) == 0 && strcmp(name, "DW_REASON_UNKNOWN") != 0,
                      "reason %d has name %s", r, name);
        /* names are distinct */
        for (int q = 0; q < r; q++)
            ck_assert_str_ne(name, dw_reason_name((dw_reason)q));
    }
    ck_assert_str_eq(dw_reason_name(DW_REASON_STREAM), "DW_REASON_STREAM");
    ck_assert_str_eq(dw_reason_name(DW_REASON_ROOT_TOO_LONG), "DW_REASON_ROOT_TOO_LONG");
    ck_assert_str_eq(dw_reason_name((dw_reason)DW_REASON_COUNT), "DW_REASON_UNKNOWN");
    ck_assert_str_eq(dw_reason_name((dw_reason)-1), "DW_REASON_UNKNOWN");
    ck_assert_str_eq(dw_reason_str((dw_reason)1000), "unknown reason");
    ck_assert_ptr_nonnull(strstr(dw_reason_str(DW_REASON_SEPARATOR), "separator"));
}
END_TEST

/* Generated inputs (fixed seed): whatever is accepted obeys every rule, checked independently here. */
static uint32_t rng_state = 0x9E3779B9u;

static uint32_t rng(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 17;
    rng_state ^= rng_state << 5;
    return rng_state;
}

START_TEST(test_generated_properties)
{
    static const char *const tok[] = {"a", "Z", " ", ".", "..", "\\", "/", ":", "?", "C", "ON", "CON", "nul", "COM",
                                      "1", "\xC2\xB9", "$", "IN", "\xC3\xA9", "\xF0\x9F\x93\xA7", "\xEF\xBC\x8F",
                                      "\xC2\xA5", "\x01", "\x7F", "\xC0", "\xAF", "\xED\xA0\x80", "\xE2\x82", "%2e"};
    char name[64];
    unsigned accepted_count = 0;
    for (int iter = 0; iter < 50000; iter++) {
        name[0] = '\0';
        unsigned parts = 1 + rng() % 5;
        for (unsigned i = 0; i < parts; i++)
            strcat(name, tok[rng() % (sizeof tok / sizeof tok[0])]);
        size_t len = strlen(name);
        dw_name_check r;
        dw_status st = dw_name_validate(name, &r);
        dw_name_check rn;
        ck_assert_int_eq(dw_name_validate_n(name, len, &rn), st);
        ck_assert_int_eq(rn.reason, r.reason);
        ck_assert_uint_eq(rn.offset, r.offset);
        if (st != DW_OK) {
            ck_assert_int_eq(st, DW_E_NAME);
            ck_assert_int_ne(r.reason, DW_REASON_OK);
            ck_assert_uint_le(r.offset, len);
            continue;
        }
        accepted_count++;
        ck_assert_ptr_null(strpbrk(name, "\\/:<>\"|?*\x01"));
        ck_assert_int_ne(name[len - 1], '.');
        ck_assert_int_ne(name[len - 1], ' ');
        ck_assert_int_eq(dw_name_is_reserved(name), 0);
        ck_assert_ptr_null(strstr(name, "\xEF\xBC\x8F"));
        ck_assert_ptr_null(strstr(name, "\xC2\xA5"));
        ck_assert_ptr_null(strstr(name, "\xED\xA0\x80"));
        ck_assert_ptr_null(strstr(name, "\xC0"));
        ck_assert_uint_le(r.utf16_units, len);
        ck_assert_uint_gt(r.utf16_units, 0);
    }
    ck_assert_uint_gt(accepted_count, 1000);
}
END_TEST

static Suite *name_suite(void)
{
    Suite *s = suite_create("name");
    TCase *tc = tcase_create("rules");
    tcase_add_loop_test(tc, test_accepted, 0, (int)(sizeof accepted / sizeof accepted[0]));
    tcase_add_loop_test(tc, test_rejected, 0, (int)(sizeof rejected / sizeof rejected[0]));
    tcase_add_test(tc, test_empty_and_null);
    tcase_add_test(tc, test_embedded_nul);
    tcase_add_test(tc, test_length_limit);
    tcase_add_test(tc, test_long_mixed);
    tcase_add_test(tc, test_utf16_units_reported);
    tcase_add_test(tc, test_is_reserved);
    tcase_add_test(tc, test_reason_texts);
    tcase_add_test(tc, test_generated_properties);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(name_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
