/* SPDX-License-Identifier: MIT */
/* The configuration file: an INI-like description of one transport server and its Foreign connectors,
 * with Exchange's own parameter names. Parsing is strict (unknown sections and keys, duplicates, bad
 * values and invalid UTF-8 are errors with their line number) because a silently ignored typo in a
 * monitoring configuration means a connector nobody watches. The format is documented in dropwatch(1). */
#include <config.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cli.h"

/* Limits keep a corrupt or hostile file from exhausting memory; real files are tiny. */
#define CFG_MAX_BYTES (1024 * 1024)
#define CFG_MAX_ERRORS 20

void cli_config_init(cli_config *cfg)
{
    memset(cfg, 0, sizeof *cfg);
    cfg->version = DW_EXCHANGE_2007;
    cfg->style = DW_STYLE_AUTO;
}

void cli_config_free(cli_config *cfg)
{
    for (size_t i = 0; i < cfg->n_connectors; i++) {
        free(cfg->connectors[i].name);
        free(cfg->connectors[i].drop_dir);
        free(cfg->connectors[i].temp_dir);
    }
    free(cfg->connectors);
    free(cfg->root);
    free(cfg->install_dir);
    free(cfg->computer);
    cli_config_init(cfg);
}

cli_connector *cli_config_add_connector(cli_config *cfg, const char *name, unsigned line)
{
    cli_connector *n = realloc(cfg->connectors, (cfg->n_connectors + 1) * sizeof *n);
    if (!n) {
        fputs("dropwatch: out of memory\n", stderr);
        exit(EX_OSERR);
    }
    cfg->connectors = n;
    cli_connector *c = &n[cfg->n_connectors++];
    c->name = cli_xstrdup(name);
    c->drop_dir = cli_xstrdup(name); /* Exchange's default DropDirectory is the connector name */
    c->quota = 0;
    c->temp_dir = NULL;
    c->line = line;
    return c;
}

typedef struct parser {
    const char *file;
    unsigned line;
    int errors;
} parser;

static void perr(parser *p, const char *fmt, const char *arg)
{
    if (p->errors < CFG_MAX_ERRORS) {
        char msg[1024];
        snprintf(msg, sizeof msg, fmt, arg ? arg : "");
        cli_err(NULL, "%s:%u: %s", p->file, p->line, msg);
    } else if (p->errors == CFG_MAX_ERRORS) {
        cli_err(NULL, "%s: too many errors, giving up", p->file);
    }
    p->errors++;
}

static int is_space(char c)
{
    return c == ' ' || c == '\t';
}

/* Trims blanks; a value in double quotes keeps its inner text exactly (leading/trailing spaces matter
 * for DropDirectory values such as "Fax "). Returns -1 on an unterminated quote. */
static int unquote(char **s)
{
    char *b = *s;
    while (is_space(*b))
        b++;
    char *e = b + strlen(b);
    while (e > b && is_space(e[-1]))
        e--;
    *e = '\0';
    if (*b == '"') {
        if (e - b < 2 || e[-1] != '"')
            return -1;
        e[-1] = '\0';
        b++;
        if (strchr(b, '"'))
            return -1;
    }
    *s = b;
    return 0;
}

enum section { SEC_NONE, SEC_SERVER, SEC_CONNECTOR };

/* The keys, as bits of parse_state.seen. */
enum {
    K_ROOT = 1 << 0, K_INSTALL = 1 << 1, K_VERSION = 1 << 2, K_COMPUTER = 1 << 3, K_STYLE = 1 << 4,
    K_DROPDIR = 1 << 5, K_QUOTA = 1 << 6, K_TEMPDIR = 1 << 7
};

static void set_str(char **dst, const char *v)
{
    free(*dst);
    *dst = cli_xstrdup(v);
}

/* Where the parser is: the current section, its connector and the keys it has had. */
typedef struct parse_state {
    enum section sec;
    cli_connector *conn; /* SEC_CONNECTOR */
    unsigned seen;       /* K_* bits of the current section, to refuse duplicates */
    int server_seen;
} parse_state;

/* "[connector NAME]" (body points after "connector"): a new connector, unless the name is bad or taken. */
static void connector_header(parser *p, cli_config *cfg, char *name, parse_state *st)
{
    st->sec = SEC_NONE; /* keys below are errors until a valid header */
    if (unquote(&name) != 0) {
        perr(p, "unterminated or misplaced quote in connector name%s", NULL);
        return;
    }
    if (*name == '\0') {
        perr(p, "connector section needs a name: [connector NAME]%s", NULL);
        return;
    }
    for (size_t i = 0; i < cfg->n_connectors; i++) {
        /* Exchange connector names are unique regardless of case. */
        if (strcasecmp(cfg->connectors[i].name, name) == 0) {
            perr(p, "duplicate connector %s", cli_q(name));
            return;
        }
    }
    st->conn = cli_config_add_connector(cfg, name, p->line);
    st->sec = SEC_CONNECTOR;
}

/* A "[...]" line (s at the '['): [server] or [connector NAME]. */
static void section_header(parser *p, cli_config *cfg, char *s, parse_state *st)
{
    char *close = strrchr(s, ']');
    if (!close) {
        perr(p, "section header without ']'%s", NULL);
        return;
    }
    for (char *t = close + 1; *t; t++) {
        if (!is_space(*t)) {
            perr(p, "unexpected text after section header%s", NULL);
            return;
        }
    }
    *close = '\0';
    char *body = s + 1;
    while (is_space(*body))
        body++;
    st->seen = 0;
    st->conn = NULL;
    if (strcasecmp(body, "server") == 0) {
        if (st->server_seen)
            perr(p, "duplicate [server] section%s", NULL);
        st->server_seen = 1;
        st->sec = SEC_SERVER;
    } else if (strncasecmp(body, "connector", 9) == 0 && (is_space(body[9]) || body[9] == '\0')) {
        connector_header(p, cfg, body + 9, st);
    } else {
        st->sec = SEC_NONE;
        perr(p, "unknown section %s (expected [server] or [connector NAME])", cli_q(body));
    }
}

/* Splits "Key = value" in place (the value unquoted). Returns 0, or -1 after reporting the error. */
static int split_key_value(parser *p, char *s, char **key, char **val)
{
    char *eq = strchr(s, '=');
    if (!eq) {
        perr(p, "expected 'Key = value', a [section] or a # comment%s", NULL);
        return -1;
    }
    *eq = '\0';
    *key = s;
    *val = eq + 1;
    char *ke = s + strlen(s);
    while (ke > s && is_space(ke[-1]))
        *--ke = '\0';
    if (*s == '\0') {
        perr(p, "missing key before '='%s", NULL);
        return -1;
    }
    if (unquote(val) != 0) {
        perr(p, "unterminated or misplaced quote in the value of %s", cli_q(s));
        return -1;
    }
    return 0;
}

/* The K_* bit of a key allowed in the current section, marked as seen; 0 after reporting an unknown or
 * repeated key. */
static unsigned key_bit(parser *p, const char *key, parse_state *st)
{
    static const struct { const char *name; unsigned bit; enum section sec; } keys[] = {
        {"RootDropDirectoryPath", K_ROOT, SEC_SERVER}, {"InstallPath", K_INSTALL, SEC_SERVER},
        {"ExchangeVersion", K_VERSION, SEC_SERVER},    {"ComputerName", K_COMPUTER, SEC_SERVER},
        {"PathStyle", K_STYLE, SEC_SERVER},            {"DropDirectory", K_DROPDIR, SEC_CONNECTOR},
        {"DropDirectoryQuota", K_QUOTA, SEC_CONNECTOR}, {"TempDirectory", K_TEMPDIR, SEC_CONNECTOR},
    };
    unsigned bit = 0;
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
        if (strcasecmp(key, keys[i].name) == 0 && keys[i].sec == st->sec)
            bit = keys[i].bit;
    }
    if (!bit) {
        perr(p, st->sec == SEC_SERVER ? "unknown key %s in [server] (expected RootDropDirectoryPath, "
                                        "InstallPath, ExchangeVersion, ComputerName or PathStyle)"
                                      : "unknown key %s in [connector] (expected DropDirectory, "
                                        "DropDirectoryQuota or TempDirectory)", cli_q(key));
        return 0;
    }
    if (st->seen & bit) {
        perr(p, "duplicate key %s", cli_q(key));
        return 0;
    }
    st->seen |= bit;
    return bit;
}

/* A value naming a library enum (ExchangeVersion, PathStyle): *out is left alone when it is not one. */
static void enum_value(parser *p, dw_enum kind, const char *key, const char *val, int *out)
{
    if (cli_parse_enum(kind, val, out) == 0)
        return;
    char expected[256], msg[1024];
    cli_enum_names(kind, expected, sizeof expected);
    snprintf(msg, sizeof msg, "%s %s is not %s", key, cli_q(val), expected);
    perr(p, "%s", msg);
}

/* Stores the value of a known key. */
static void set_value(parser *p, cli_config *cfg, parse_state *st, unsigned bit, const char *val)
{
    int v;
    switch (bit) {
    case K_ROOT:
        set_str(&cfg->root, val);
        break;
    case K_INSTALL:
        if (*val == '\0')
            perr(p, "InstallPath must not be empty%s", NULL);
        else
            set_str(&cfg->install_dir, val);
        break;
    case K_VERSION:
        v = (int)cfg->version;
        enum_value(p, DW_ENUM_EXCHANGE_VERSION, "ExchangeVersion", val, &v);
        cfg->version = (dw_exchange_version)v;
        break;
    case K_COMPUTER:
        if (*val == '\0')
            perr(p, "ComputerName must not be empty%s", NULL);
        else
            set_str(&cfg->computer, val);
        break;
    case K_STYLE:
        v = (int)cfg->style;
        enum_value(p, DW_ENUM_PATH_STYLE, "PathStyle", val, &v);
        cfg->style = (dw_path_style)v;
        break;
    case K_DROPDIR:
        /* Validity is judged later by the resolver, which explains and alerts; the file only has to be
         * well-formed here. */
        set_str(&st->conn->drop_dir, val);
        break;
    case K_QUOTA: {
        uint64_t q;
        if (dw_quota_parse(val, &q) != DW_OK)
            perr(p, "DropDirectoryQuota %s is not 'unlimited', bytes, a B/KB/MB/GB/TB value or "
                    "'10 MB (10,485,760 bytes)'", cli_q(val));
        else
            st->conn->quota = q;
        break;
    }
    case K_TEMPDIR: {
        /* libdropwatch's own setting (Exchange has none): dw_drop_options.temp_dir, checked by the library. */
        dw_drop_options o;
        dw_drop_options_init(&o);
        o.temp_dir = val;
        dw_io_error e;
        if (*val && dw_drop_options_check(&o, &e) != DW_OK)
            perr(p, "TempDirectory: %s", e.detail);
        else if (*val)
            set_str(&st->conn->temp_dir, val);
        break;
    }
    }
}

/* One line: blank, a comment, a section header or "Key = value". */
static void parse_line(parser *p, cli_config *cfg, char *s, parse_state *st)
{
    while (is_space(*s))
        s++;
    if (*s == '\0' || *s == '#' || *s == ';')
        return;
    if (*s == '[') {
        section_header(p, cfg, s, st);
        return;
    }
    char *key, *val;
    if (split_key_value(p, s, &key, &val) != 0)
        return;
    if (st->sec == SEC_NONE) {
        perr(p, "key %s outside a [server] or [connector NAME] section", cli_q(key));
        return;
    }
    unsigned bit = key_bit(p, key, st);
    if (bit)
        set_value(p, cfg, st, bit, val);
}

int cli_config_parse(cli_config *cfg, const char *name, const char *text, size_t len)
{
    parser p = {name, 0, 0};
    parse_state st = {SEC_NONE, NULL, 0, 0};
    size_t pos = 0;
    while (pos < len) {
        size_t end = pos;
        while (end < len && text[end] != '\n')
            end++;
        p.line++;
        size_t n = end - pos;
        if (n && text[pos + n - 1] == '\r')
            n--; /* files edited on Windows */
        if (memchr(text + pos, '\0', n)) {
            perr(&p, "NUL byte in line%s", NULL);
        } else if (!dw_utf8_valid(text + pos, n, NULL)) {
            perr(&p, "line is not valid UTF-8%s", NULL);
        } else {
            char *line = cli_xmalloc(n + 1);
            memcpy(line, text + pos, n);
            line[n] = '\0';
            parse_line(&p, cfg, line, &st);
            free(line);
        }
        pos = end + 1;
    }
    return p.errors ? EX_CONFIG : 0;
}

int cli_config_load(cli_config *cfg, const char *path)
{
    FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
    if (!f) {
        int e = errno;
        cli_err(NULL, "cannot open configuration file %s: %s", cli_q(path), strerror(e));
        return e == ENOENT || e == ENOTDIR ? EX_NOINPUT : EX_CONFIG;
    }
    char *buf = cli_xmalloc(CFG_MAX_BYTES + 1);
    size_t n = fread(buf, 1, CFG_MAX_BYTES + 1, f);
    int bad = ferror(f);
    if (f != stdin)
        fclose(f);
    int rc = 0;
    if (bad) {
        cli_err(NULL, "cannot read configuration file %s", cli_q(path));
        rc = EX_IOERR;
    } else if (n > CFG_MAX_BYTES) {
        cli_err(NULL, "%s: configuration file larger than %d bytes", cli_q(path), CFG_MAX_BYTES);
        rc = EX_CONFIG;
    } else {
        rc = cli_config_parse(cfg, path, buf, n);
    }
    free(buf);
    return rc;
}
