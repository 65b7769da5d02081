/* SPDX-License-Identifier: MIT */
/*
 * dropwatch/path.h - resolving a Foreign connector's drop directory.
 *
 * The drop directory is RootDropDirectoryPath joined with the connector's DropDirectory. A blank root
 * means the Exchange installation folder (by default C:\Program Files\Microsoft\Exchange Server\ for
 * Exchange 2007). dw_path_resolve() is the strict resolver: it validates both inputs and joins them with
 * exactly one separator. dw_path_explain() reproduces what Exchange itself would do (.NET Path.Combine),
 * so an administrator can see where files really go. Neither allocates memory.
 */
#ifndef DROPWATCH_PATH_H
#define DROPWATCH_PATH_H

#include <dropwatch/common.h>
#include <dropwatch/name.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Windows MAX_PATH, including the terminating NUL. */
#define DW_WIN_MAX_PATH 260

/** Formerly the fixed room kept under MAX_PATH for a message file name. Kept for source compatibility;
 * the resolvers now keep "\" + the longest file name Exchange generates for the machine
 * (dw_resolve_options.machine_name): 1 + 15 + DW_EXCHANGE_NAME_FIXED = 63 for an unknown machine. */
#define DW_FILE_NAME_RESERVE 64

/** Path syntax of a root and of the resolved result. */
typedef enum dw_path_style {
    DW_STYLE_AUTO = 0,     /**< deduce from the root: "/..." is POSIX, anything else Windows */
    DW_STYLE_WINDOWS = 1,  /**< backslashes, drive or UNC roots, MAX_PATH checks */
    DW_STYLE_POSIX = 2     /**< forward slashes, "/" roots, no MAX_PATH check */
} dw_path_style;

/** Exchange version whose default installation folder stands in for a blank root. */
typedef enum dw_exchange_version {
    DW_EXCHANGE_2007 = 0,  /**< C:\Program Files\Microsoft\Exchange Server\ (the default) */
    DW_EXCHANGE_2010 = 1,  /**< C:\Program Files\Microsoft\Exchange Server\V14\ */
    DW_EXCHANGE_2013 = 2   /**< C:\Program Files\Microsoft\Exchange Server\V15\ (2013, 2016, 2019, SE) */
} dw_exchange_version;

/** Version of dw_resolve_options this header describes (see doc/abi.md). */
#define DW_RESOLVE_OPTIONS_VERSION 1

/**
 * Options for dw_path_resolve() / dw_path_explain(). Initialise with dw_resolve_options_init() or
 * DW_RESOLVE_OPTIONS_INIT; an unknown `version` is refused with DW_E_INVAL.
 */
typedef struct dw_resolve_options {
    unsigned version;                     /**< DW_RESOLVE_OPTIONS_VERSION (set by dw_resolve_options_init()) */
    const char *install_dir;              /**< folder used for a blank root (validated like a root); NULL or blank = the version's default */
    dw_exchange_version exchange_version; /**< picks the default install folder; DW_EXCHANGE_2007 by default */
    dw_path_style style;                  /**< DW_STYLE_AUTO by default */
    const char *machine_name;             /**< the Exchange server's name, for dw_path_explain()'s 8007 estimate
                                               (its NetBIOS form: first label, at most 15 characters); NULL =
                                               unknown, the longest (15) is assumed */
} dw_resolve_options;

/** Longest file name Exchange generates, without the machine name: "-{RecordId, up to 19 digits}-
 * {yyyyMMddHHmmss}Z.Normal.eml" (Normal is the longest priority). */
#define DW_EXCHANGE_NAME_FIXED 47
/** Longest directory part .NET accepts before PathTooLongException (MAX_PATH - 12, without the NUL). */
#define DW_WIN_MAX_DIR 247
/** The defaults of dw_resolve_options as a static initialiser. */
#define DW_RESOLVE_OPTIONS_INIT \
    { .version = DW_RESOLVE_OPTIONS_VERSION, .exchange_version = DW_EXCHANGE_2007, .style = DW_STYLE_AUTO }

/** Which input a resolution problem was found in. */
typedef enum dw_input {
    DW_INPUT_NONE = 0,
    DW_INPUT_ROOT = 1,         /**< RootDropDirectoryPath (or the install folder standing in for it) */
    DW_INPUT_DROP_DIR = 2,     /**< DropDirectory */
    DW_INPUT_RESULT = 3        /**< the joined path (length limits) */
} dw_input;

/** Details of a resolution, filled on success and on failure. */
typedef struct dw_resolve_info {
    dw_reason reason;        /**< DW_REASON_OK on success, else why it failed */
    dw_input input;          /**< which input the reason refers to */
    size_t offset;           /**< byte offset of the problem in that input */
    uint32_t codepoint;      /**< offending code point, or 0 */
    dw_path_style style;     /**< style of the result */
    int root_defaulted;      /**< 1 when a blank root was replaced by the install folder */
    int long_path;           /**< 1 when the root uses the \\?\ long-path form (no MAX_PATH limit) */
    size_t length;           /**< length of the resolved path in bytes, without NUL */
    size_t utf16_length;     /**< length of the resolved path in UTF-16 units */
    size_t file_name_room;   /**< UTF-16 units left for "\file.eml" under MAX_PATH (Windows, not long-path); 0 otherwise */
} dw_resolve_info;

/** Fill `opts` with the defaults (DW_RESOLVE_OPTIONS_INIT: NULL install_dir, Exchange 2007, DW_STYLE_AUTO, NULL
 * machine_name). NULL is ignored. */
DW_API void dw_resolve_options_init(dw_resolve_options *opts);

/**
 * The path style dw_path_resolve() and dw_path_explain() apply to these inputs: opts->style unless it is
 * DW_STYLE_AUTO; then DW_STYLE_POSIX for a root starting with one '/', DW_STYLE_WINDOWS for anything else
 * ("//server/share" is a UNC path; a blank root stands for the Windows install folder). NULL opts means the
 * defaults; invalid options give DW_STYLE_AUTO (those calls refuse them with DW_E_INVAL).
 */
DW_API dw_path_style dw_resolve_style(const char *root, const dw_resolve_options *opts);

/**
 * Default installation folder of an Exchange version, with its trailing backslash. Static string;
 * NULL for an unknown version.
 */
DW_API const char *dw_exchange_install_dir(dw_exchange_version version);

/**
 * The Exchange version of a transport server's AdminDisplayVersion ("Version 15.1 (Build 2507.6)", also a
 * bare "14.3.123.4"): the first "<major>.<minor>" in the text decides, 8 -> DW_EXCHANGE_2007, 14 ->
 * DW_EXCHANGE_2010, 15 and later (2013, 2016, 2019, SE) -> DW_EXCHANGE_2013.
 * @return DW_OK; DW_E_PARSE (no version number, or a major that is no Exchange 2007 or later); DW_E_INVAL
 *         (NULL argument).
 */
DW_API dw_status dw_exchange_version_from_build(const char *text, dw_exchange_version *out);

/**
 * Strictly resolve a connector's drop directory.
 * @param root      RootDropDirectoryPath: NULL, "" or blank means the install folder; otherwise an absolute
 *                  Windows path ("D:\Exchange\", "\\server\share\drops", "\\?\D:\x") or a POSIX path
 *                  ("/var/spool/exchange"). Forward slashes in a Windows root become backslashes and
 *                  repeated separators collapse (except the leading "\\" of UNC); "." and ".." components
 *                  are an error, never resolved.
 * @param drop_dir  DropDirectory, validated with dw_name_validate().
 * @param opts      options, or NULL for the defaults.
 * @param buf       receives the resolved path (Windows: backslashes, no trailing separator; POSIX: slashes).
 * @param size      size of buf in bytes. buf may be NULL when size is 0 (to ask for the size).
 * @param needed    if not NULL, receives the bytes needed including NUL (also on DW_E_BUFFER).
 * @param info      if not NULL, receives the details (reason, input, offset, lengths).
 * @return DW_OK; DW_E_INVAL (drop_dir NULL, buf NULL with size > 0); DW_E_ROOT; DW_E_NAME; DW_E_TOOLONG
 *         (Windows result of 260 or more UTF-16 units with the NUL, a directory over 247 units, or too little
 *         room left for "\" + the longest file name Exchange generates for opts->machine_name: the path is
 *         still written when it fits the buffer); DW_E_BUFFER (wins over
 *         DW_E_TOOLONG; the verdict is in *info either way). Rules in doc/names-and-paths.md.
 * No heap allocation; thread-safe.
 */
DW_API dw_status dw_path_resolve(const char *root, const char *drop_dir, const dw_resolve_options *opts,
                                 char *buf, size_t size, size_t *needed, dw_resolve_info *info);

/**
 * One line describing a failed resolution, the text every binding and tool shows for it:
 * "Invalid DropDirectory 'a/b': <reason> (byte 1)", "Invalid RootDropDirectoryPath 'x': <reason> (byte 0)",
 * "The drop directory path is too long (261 UTF-16 units; Exchange would log event 8007): <reason>".
 * `status` and `info` are what dw_path_resolve() returned; root and drop_dir (may be NULL) are the inputs
 * it was given. Other statuses give dw_status_str(). Caller-buffer rules as dw_path_resolve().
 */
DW_API dw_status dw_resolve_describe(dw_status status, const char *root, const char *drop_dir,
                                     const dw_resolve_info *info, char *buf, size_t size, size_t *needed);

/** dw_resolve_describe() into a newly allocated string (free it with dw_free()); *out is NULL on failure. */
DW_API dw_status dw_resolve_describe_alloc(dw_status status, const char *root, const char *drop_dir,
                                           const dw_resolve_info *info, char **out);

/** Bits of dw_explain_info.warnings: how Exchange's real join differs from the strict one. */
typedef enum dw_explain_warning {
    DW_WARN_NONE = 0,
    DW_WARN_ROOT_REPLACED = 1 << 0,   /**< DropDirectory is absolute or rooted and silently replaces the root */
    DW_WARN_SUBDIRECTORY = 1 << 1,    /**< DropDirectory contains separators: files go to a nested folder */
    DW_WARN_PARENT_ESCAPE = 1 << 2,   /**< ".." components lead outside the root */
    DW_WARN_INVALID_NAME = 1 << 3,    /**< DropDirectory breaks a naming rule (see strict_reason) */
    DW_WARN_DIFFERS = 1 << 4,         /**< Exchange's path is another place than the strict result, or strict rejected the root or name */
    DW_WARN_PATH_TOO_LONG = 1 << 5,   /**< a message file's full path may exceed MAX_PATH: Exchange's path plus
                                           "\\" plus the longest file name Exchange generates for the machine
                                           is over 259 UTF-16 units, or the directory is over 247 (8007) */
    DW_WARN_DRIVE_RELATIVE = 1 << 6,  /**< "C:x" form: relative to the current directory of drive C */
    DW_WARN_NO_DROP_DIRECTORY = 1 << 7, /**< DropDirectory is empty: Exchange writes nothing and logs 8008 */
    DW_WARN_COMBINE_FAILS = 1 << 8    /**< .NET Framework's Path.Combine throws (a '"', '<', '>', '|' or control character): Exchange cannot use the configuration */
} dw_explain_warning;

/** Result of dw_path_explain(). */
typedef struct dw_explain_info {
    unsigned warnings;        /**< OR of dw_explain_warning bits */
    dw_status strict_status;  /**< what dw_path_resolve() returned for the same inputs */
    dw_reason strict_reason;  /**< and its reason */
    size_t exchange_length;   /**< length of Exchange's path (bytes, no NUL) */
    size_t exchange_units;    /**< length of Exchange's path in UTF-16 units */
    size_t longest_file_name; /**< longest file name Exchange generates for the machine (UTF-16 units):
                                   NetBIOS name length + DW_EXCHANGE_NAME_FIXED */
    unsigned event;           /**< the event Exchange would log for this configuration before writing
                                   anything: 8008 (DropDirectory empty), 8007 (a message path may be too
                                   long), or 0 */
} dw_explain_info;

/**
 * Where Exchange would really write: Path.Combine(root, drop_dir) semantics (a rooted or absolute
 * drop_dir replaces the root; "a\b" and ".." pass through unresolved; one separator inserted only when the
 * root does not end in one). Writes Exchange's path into buf (same buffer rules as dw_path_resolve()) and
 * compares it with the strict result, setting warning bits with their reasons in *info. An empty drop_dir
 * is Exchange's first check: it writes nothing and logs 8008, so buf receives "" and the warning
 * DW_WARN_NO_DROP_DIRECTORY is set (the root is not a drop path).
 * @return DW_OK when Exchange's path was produced (even with warnings); DW_E_INVAL; DW_E_BUFFER.
 */
DW_API dw_status dw_path_explain(const char *root, const char *drop_dir, const dw_resolve_options *opts,
                                 char *buf, size_t size, size_t *needed, dw_explain_info *info);

/** Text for one warning bit (a single dw_explain_warning value). Static string, never NULL. */
DW_API const char *dw_explain_warning_str(unsigned warning);

/**
 * dw_path_resolve() / dw_path_explain() into a newly allocated string (free it with dw_free()), for callers
 * that would otherwise loop on the buffer size. *out is set on DW_OK (and, for dw_path_resolve_alloc(), on
 * DW_E_TOOLONG, which still yields the path), else NULL.
 */
DW_API dw_status dw_path_resolve_alloc(const char *root, const char *drop_dir, const dw_resolve_options *opts,
                                       char **out, dw_resolve_info *info);
DW_API dw_status dw_path_explain_alloc(const char *root, const char *drop_dir, const dw_resolve_options *opts,
                                       char **out, dw_explain_info *info);

/**
 * The folder Exchange really opens: what DirectoryInfo makes of a path (.NET Path.GetFullPath on Windows,
 * i.e. Win32 GetFullPathNameW): '/' becomes '\', repeated separators collapse, "." and ".." are resolved
 * (never above the drive or the UNC share), a directory name's single trailing '.' and the path's trailing
 * dots and spaces are dropped, and a rooted ("\x"), drive-relative ("D:x") or relative path is completed
 * from `cwd`. \\?\ paths are returned unchanged. Use it on dw_path_explain()'s result.
 * @param path  a Windows path (UTF-8).
 * @param cwd   the current directory, drive-absolute ("C:\..."); NULL or "" means C:\Windows\System32,
 *              a Windows service's. Another drive's current directory is taken to be its root.
 * @param buf, size, needed  as for dw_path_resolve(), except that on DW_E_BUFFER *needed is a size that is
 *              sufficient (the exact one comes back with DW_OK).
 * @return DW_OK; DW_E_NAME when .NET Framework's GetFullPath refuses the path (empty, a '"', '<', '>', '|'
 *         or control character: ArgumentException; a ':' other than right after a leading drive letter:
 *         NotSupportedException); DW_E_INVAL (path NULL, buf NULL with size > 0, cwd not "X:\..."); DW_E_BUFFER.
 * No heap allocation; thread-safe.
 */
DW_API dw_status dw_path_full(const char *path, const char *cwd, char *buf, size_t size, size_t *needed);

/** dw_path_full() into a newly allocated string (free it with dw_free()); *out is NULL on failure. */
DW_API dw_status dw_path_full_alloc(const char *path, const char *cwd, char **out);

#ifdef __cplusplus
}
#endif

#endif /* DROPWATCH_PATH_H */
