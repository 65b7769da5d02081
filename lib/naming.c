/* SPDX-License-Identifier: MIT */
/*
 * naming.c - names in the drop directory: our temporary names, the final names (unique or Exchange
 * style), the rules for a name prefix and a machine name.
 */
#ifdef HAVE_CONFIG_H
#include <config.h>
#endif

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "guard_internal.h"
#include "internal.h"

int dwi_name_char_ok(char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
           c == '.';
}


int dwi_is_temp_name(const char *name)
{
    size_t n = strlen(name), sl = strlen(DWI_TMP_SUFFIX);
    if (n < sl || strcmp(name + n - sl, DWI_TMP_SUFFIX) != 0)
        return 0;
    return strncmp(name, DWI_TMP_PREFIX, strlen(DWI_TMP_PREFIX)) == 0 ||
           strncmp(name, DWI_CANARY_PREFIX, strlen(DWI_CANARY_PREFIX)) == 0;
}

/* splitmix64: spreads the per-handle salt and a counter into unguessable name parts. */
uint64_t dwi_mix64(uint64_t x)
{
    x += 0x9E3779B97F4A7C15ull;
    x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
    x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
    return x ^ (x >> 31);
}

static void out_hex(dwi_out *o, uint64_t v, int digits)
{
    static const char hex[] = "0123456789abcdef";
    for (int i = digits - 1; i >= 0; i--)
        dwi_out_char(o, hex[(v >> (4 * i)) & 15]);
}

static void out_2(dwi_out *o, unsigned v)
{
    dwi_out_char(o, (char)('0' + v / 10 % 10));
    dwi_out_char(o, (char)('0' + v % 10));
}

/* UTC calendar fields from Unix seconds (Howard Hinnant's days-to-civil; no libc time zone state). */
void dwi_utc_fields(int64_t t, unsigned f[6])
{
    int64_t days = t / 86400, rem = t % 86400;
    if (rem < 0) {
        rem += 86400;
        days--;
    }
    days += 719468;
    int64_t era = (days >= 0 ? days : days - 146096) / 146097;
    int64_t doe = days - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    int64_t day = doy - (153 * mp + 2) / 5 + 1;
    int64_t month = mp < 10 ? mp + 3 : mp - 9;
    int64_t year = yoe + era * 400 + (month <= 2);
    f[0] = (unsigned)year;
    f[1] = (unsigned)month;
    f[2] = (unsigned)day;
    f[3] = (unsigned)(rem / 3600);
    f[4] = (unsigned)(rem / 60 % 60);
    f[5] = (unsigned)(rem % 60);
}

static void out_utc(dwi_out *o, dw_drop *d, int with_t)
{
    int64_t sec = 0, nsec = 0;
    if (d->ops->now(d->ctx, &sec, &nsec) < 0)
        sec = 0;
    unsigned f[6];
    dwi_utc_fields(sec, f);
    out_2(o, f[0] / 100);
    out_2(o, f[0] % 100);
    out_2(o, f[1]);
    out_2(o, f[2]);
    if (with_t)
        dwi_out_char(o, 'T');
    out_2(o, f[3]);
    out_2(o, f[4]);
    out_2(o, f[5]);
}

void dwi_make_temp_name(dw_drop *d, char *buf)
{
    uint64_t seq = atomic_fetch_add(&d->seq, 1);
    dwi_out o;
    dwi_out_init(&o, buf, DWI_NAME_BUF);
    dwi_out_str(&o, DWI_TMP_PREFIX);
    dwi_out_u64(&o, (unsigned long long)d->ops->pid(d->ctx));
    dwi_out_char(&o, '-');
    dwi_out_u64(&o, seq);
    dwi_out_char(&o, '-');
    out_hex(&o, dwi_mix64(d->salt ^ dwi_mix64(seq)), 16);
    dwi_out_str(&o, DWI_TMP_SUFFIX);
    (void)dwi_out_finish(&o, NULL);
}

static const char *priority_name(dw_priority p)
{
    return p == DW_PRIORITY_HIGH ? "High" : p == DW_PRIORITY_LOW ? "Low" : "Normal";
}

/* The final name. DW_NAMING_UNIQUE: "<prefix><UTC yyyymmddTHHMMSS>-<pid>-<seq>-<random>.eml";
 * DW_NAMING_EXCHANGE: "{Machine}-{RecordId}-{UTC yyyyMMddHHmmss}Z.{Priority}.eml" (the record id is bumped
 * when the name exists already). */
void dwi_make_final_name(dw_drop *d, dw_msg *m, char *buf)
{
    dwi_out o;
    dwi_out_init(&o, buf, DWI_NAME_BUF);
    if (d->opts.naming == DW_NAMING_EXCHANGE) {
        dwi_out_str(&o, d->machine);
        dwi_out_char(&o, '-');
        dwi_out_u64(&o, m->record_id);
        dwi_out_char(&o, '-');
        out_utc(&o, d, 0);
        dwi_out_str(&o, "Z.");
        dwi_out_str(&o, priority_name(m->priority));
    } else {
        uint64_t seq = atomic_fetch_add(&d->seq, 1);
        if (d->prefix)
            dwi_out_str(&o, d->prefix);
        out_utc(&o, d, 1);
        dwi_out_char(&o, '-');
        dwi_out_u64(&o, (unsigned long long)d->ops->pid(d->ctx));
        dwi_out_char(&o, '-');
        dwi_out_u64(&o, seq);
        dwi_out_char(&o, '-');
        out_hex(&o, dwi_mix64(d->salt + seq) & 0xffffffffu, 8);
    }
    dwi_out_str(&o, ".eml");
    (void)dwi_out_finish(&o, NULL);
}

int dwi_valid_prefix(const char *p)
{
    size_t n = dwi_str_len_max(p, DWI_PREFIX_MAX);
    if (n > DWI_PREFIX_MAX || p[0] == '.')
        return 0;
    for (size_t i = 0; i < n; i++)
        if (!dwi_name_char_ok(p[i]))
            return 0;
    return 1;
}

/* A machine name as it goes into an Exchange-style file name: Exchange uses Environment.MachineName, the
 * NetBIOS name, which Windows derives from the host name's first DNS label, upper case, cut to 15
 * characters. The label must be letters, digits, '-' and '_' (1 to 63 characters). */
int dwi_set_machine(dw_drop *d, const char *name)
{
    size_t n = 0;
    while (name[n] && name[n] != '.' && n < DWI_MACHINE_MAX + 1)
        n++;
    if (n == 0 || n > DWI_MACHINE_MAX)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (!dwi_name_char_ok(name[i]) || name[i] == '.')
            return 0;
    if (n > DW_NETBIOS_NAME_MAX)
        n = DW_NETBIOS_NAME_MAX;
    for (size_t i = 0; i < n; i++)
        d->machine[i] = name[i] >= 'a' && name[i] <= 'z' ? (char)(name[i] - 'a' + 'A') : name[i];
    d->machine[n] = '\0';
    return 1;
}
