/* SPDX-License-Identifier: MIT */
/* dropwatch eventlog install|uninstall: register the event source of the Windows Event Log records (the
 * message file dropwatch-messages.dll), and the --eventlog option of alert and watch. */
#include <config.h>

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

#ifdef _WIN32
#ifndef WIN32_LEAN_AND_MEAN
#define WIN32_LEAN_AND_MEAN
#endif
#include <windows.h>
#endif

static const char help[] =
    "Usage: dropwatch eventlog install|uninstall [--source NAME] [--message-file PATH]\n"
    "\n"
    "Register (install) or remove (uninstall) an event source of the Windows Application log, so that\n"
    "Event Viewer and SCOM render the records that alert and watch write there with Exchange's texts:\n"
    "EventMessageFile and CategoryMessageFile name dropwatch-messages.dll,\n"
    "CategoryCount is 7 (RemoteDelivery). Needs administrator rights. Windows only.\n"
    "\n"
    "  --source NAME            event source (default DropWatch; MSExchangeTransport only if you mean it)\n"
    "  --message-file PATH      the message DLL (default: dropwatch-messages.dll beside dropwatch.exe)\n"
    "\n"
    "Exit status: 0 on success, 64 on usage errors, 69 where there is no Windows Event Log, 71 when the\n"
    "registry refused (77 without the rights).\n";

/* Exit code of an event log failure. */
static int eventlog_exit(const cli_ctx *ctx, dw_status st, const dw_io_error *err, const char *what)
{
    if (st == DW_E_UNSUPPORTED) {
        cli_err(ctx, "%s: the Windows Event Log is not available on this platform", what);
        return EX_UNAVAILABLE;
    }
    if (st == DW_E_INVAL) {
        cli_err(ctx, "%s: %s", what, err->detail[0] ? err->detail : dw_status_str(st));
        return EX_USAGE;
    }
    cli_err(ctx, "%s: %s (Win32 %s %u)", what, err->detail[0] ? err->detail : dw_status_str(st),
            dw_win32_name(err->win32) ? dw_win32_name(err->win32) : "code", (unsigned)err->win32);
    return err->io_class == DW_CLASS_ACCESS ? EX_NOPERM : EX_OSERR;
}

int cli_eventlog_alert(const cli_ctx *ctx, const dw_alert *alert)
{
    if (!ctx->eventlog)
        return 0;
    dw_io_error err;
    dw_status st = dw_eventlog_report(alert, ctx->event_source, &err);
    return st == DW_OK ? 0 : eventlog_exit(ctx, st, &err, "cannot write to the event log");
}

/* dropwatch-messages.dll in the folder of the running dropwatch.exe. */
static char *default_message_file(void)
{
#ifdef _WIN32
    wchar_t w[32768];
    DWORD n = GetModuleFileNameW(NULL, w, (DWORD)(sizeof w / sizeof w[0]));
    if (n == 0 || n >= sizeof w / sizeof w[0])
        return NULL;
    wchar_t *slash = wcsrchr(w, L'\\');
    if (!slash)
        return NULL;
    wcscpy(slash + 1, L"dropwatch-messages.dll");
    int k = WideCharToMultiByte(CP_UTF8, 0, w, -1, NULL, 0, NULL, NULL);
    char *s = cli_xmalloc((size_t)k);
    WideCharToMultiByte(CP_UTF8, 0, w, -1, s, k, NULL, NULL);
    return s;
#else
    return cli_xstrdup("dropwatch-messages.dll"); /* the call reports that there is no event log here */
#endif
}

int cmd_eventlog(cli_ctx *ctx, int argc, char **argv)
{
    enum { O_SOURCE = OPT_FIRST_COMMAND_OPTION, O_FILE };
    static const struct option longopts[] = {
        CLI_GLOBAL_LONGOPTS,
        {"source", required_argument, NULL, O_SOURCE},
        {"message-file", required_argument, NULL, O_FILE},
        {NULL, 0, NULL, 0},
    };
    const char *file = NULL;
    int opt, rc = 0;
    while (!rc && (opt = getopt_long(argc, argv, ":f:c:vqh", longopts, NULL)) != -1) {
        if (cli_global_option(ctx, opt, optarg, &rc))
            continue;
        switch (opt) {
        case 'h':
            fputs(help, stdout);
            return 0;
        case O_SOURCE: ctx->event_source = optarg; break;
        case O_FILE: file = optarg; break;
        default: rc = cli_getopt_error(ctx, argv, opt);
        }
    }
    if (rc)
        return rc;
    if (optind >= argc)
        return cli_usage_error(ctx, "say install or uninstall");
    const char *action = argv[optind];
    if (optind + 1 < argc)
        return cli_usage_error(ctx, "unexpected argument %s", cli_q(argv[optind + 1]));
    const char *source = ctx->event_source ? ctx->event_source : DW_EVENTLOG_DEFAULT_SOURCE;
    dw_io_error err;
    dw_status st;
    if (strcmp(action, "install") == 0) {
        char *def = file ? NULL : default_message_file();
        if (!file && !def) {
            cli_err(ctx, "cannot find the folder of dropwatch.exe: give --message-file");
            return EX_OSERR;
        }
        st = dw_eventlog_install(source, file ? file : def, &err);
        if (st == DW_OK)
            printf("installed\t%s\t%s\n", source, file ? file : def);
        free(def);
    } else if (strcmp(action, "uninstall") == 0) {
        if (file)
            return cli_usage_error(ctx, "--message-file applies to install only");
        st = dw_eventlog_uninstall(source, &err);
        if (st == DW_OK)
            printf("uninstalled\t%s\n", source);
    } else {
        return cli_usage_error(ctx, "unknown action %s (expected install or uninstall)", cli_q(action));
    }
    return st == DW_OK ? 0 : eventlog_exit(ctx, st, &err, action);
}
