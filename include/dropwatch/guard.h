/* SPDX-License-Identifier: MIT */
/*
 * dropwatch/guard.h - guarded writes into a drop directory.
 *
 * A message lands in the drop directory completely or not at all: it is written to a temporary name the
 * gateway ignores (".dwtmp-*.tmp": dot-prefixed and not ending in ".eml"), flushed with fsync, published
 * under a unique final "*.eml" name by an atomic rename that never replaces an existing file, and the
 * directory is fsynced; only then does the call report success. The drop directory is opened once as a
 * handle and every later operation is relative to it, so renaming or replacing the path with a symlink
 * afterwards cannot redirect writes. The drop directory is never created implicitly (Exchange does not);
 * dw_drop_create_dir() exists for admin tools that want to create it explicitly.
 *
 * Signals: under a file-size limit (RLIMIT_FSIZE, `ulimit -f`) the kernel sends SIGXFSZ before write() can
 * fail with EFBIG, and its default action kills the process, leaving the temporary file behind. A library
 * cannot change signal dispositions for its caller: a program that may run under such a limit must ignore
 * SIGXFSZ itself (signal(SIGXFSZ, SIG_IGN), as the dropwatch program does); the write then fails with
 * EFBIG (class capacity) and the temporary file is removed.
 *
 * Outcomes: every guarded write ends in exactly one of three, reported in dw_io_error.outcome
 * (dropwatch/classify.h): DW_OUTCOME_DURABLE (DW_OK: published and durable), DW_OUTCOME_NOT_PUBLISHED
 * (failed, nothing under a final name: retry), DW_OUTCOME_UNCERTAIN (failed after the final name appeared,
 * e.g. the directory fsync failed on a file system that went read-only and the publication could not be
 * undone: the message is published as dw_io_error.published, durability unknown: do NOT retry). A file
 * whose removal failed is named in dw_io_error.left_behind.
 *
 * Every failure returns DW_E_IO (or another dw_status) and fills a dw_io_error (dropwatch/classify.h).
 * Transient failures are retried with bounded exponential backoff; after a failed fsync the temporary file
 * is removed and the failure reported (a failed fsync is never retried: the kernel may have dropped the data).
 */
#ifndef DROPWATCH_GUARD_H
#define DROPWATCH_GUARD_H

#include <dropwatch/common.h>
#include <dropwatch/classify.h>
/* The envelope and the quota texts have their own headers; included here for source compatibility. */
#include <dropwatch/envelope.h>
#include <dropwatch/quota.h>

#ifdef __cplusplus
extern "C" {
#endif

/** An open drop directory. Create with dw_drop_open(), release with dw_drop_close(). May be shared by
 * any number of threads; dw_drop_close() only once no other thread uses it (doc/thread-safety.md). */
typedef struct dw_drop dw_drop;

/** A message being written (streaming). Create with dw_msg_begin(), end with dw_msg_commit() or dw_msg_abort().
 * Used by one thread at a time. */
typedef struct dw_msg dw_msg;

/** Durability of a published message. */
typedef enum dw_durability {
    DW_DURABLE_FULL = 0,   /**< fsync the file, rename, fsync the directory (default) */
    DW_DURABLE_NONE = 1    /**< no fsync at all: atomic while the system runs (never partial under a final name, even when the
                                writer is killed); after a power loss a message may be missing, empty or partial */
} dw_durability;

/** How final names are made. */
typedef enum dw_naming {
    DW_NAMING_UNIQUE = 0,   /**< "<prefix><UTC yyyymmddTHHMMSS>-<pid>-<seq>-<random>.eml" (default) */
    DW_NAMING_EXCHANGE = 1  /**< Exchange's "{Machine}-{RecordId}-{UTC yyyyMMddHHmmss}Z.{Priority}.eml", Machine
                                 the NetBIOS-style name (upper case, at most 15 characters) */
} dw_naming;

/** Message priority, used by DW_NAMING_EXCHANGE. */
typedef enum dw_priority {
    DW_PRIORITY_NORMAL = 0,
    DW_PRIORITY_HIGH = 1,
    DW_PRIORITY_LOW = 2
} dw_priority;

/** Highest dw_drop_options.retry_max accepted (dw_drop_open() refuses more with DW_E_INVAL). */
#define DW_RETRY_MAX_LIMIT 32

/** Default dw_drop_options.retry_max: transient retries per operation. */
#define DW_RETRY_MAX_DEFAULT 4

/** Default dw_drop_options.lock_timeout_ms: how long a writer waits for the quota ledger lock. */
#define DW_LOCK_TIMEOUT_DEFAULT_MS 5000

/**
 * How a handle publishes (renames a finished temporary file to its final name), chosen automatically by
 * what the file system supports; dw_drop_publish_method() and dw_health.publish_method report it.
 *  - DW_PUBLISH_RENAME_NOREPLACE: renameat2(RENAME_NOREPLACE); atomic, never replaces a file.
 *  - DW_PUBLISH_LINK: linkat + unlinkat of the temporary name; never replaces a file.
 *  - DW_PUBLISH_UNIQUE_RENAME: for file systems with neither (SMB shares through FUSE, some network file
 *    systems): the final name is checked to be absent, then a plain rename, which is atomic on the server
 *    (the message is never visible partially) but would REPLACE a file created under the same name by
 *    another writer between the check and the rename. Its safety rests on final-name uniqueness:
 *    DW_NAMING_UNIQUE names carry the UTC second, the process id, a per-handle sequence and 32 bits derived
 *    from a random per-handle salt; DW_NAMING_EXCHANGE names carry the machine name and record id, so
 *    writers sharing a drop directory must use distinct machine names. A name that exists already is still
 *    detected (the next name is taken), and the renamed file is checked to be ours afterwards.
 */
typedef enum dw_publish_method {
    DW_PUBLISH_UNKNOWN = 0,           /**< nothing published through this handle yet */
    DW_PUBLISH_RENAME_NOREPLACE = 1,
    DW_PUBLISH_LINK = 2,
    DW_PUBLISH_UNIQUE_RENAME = 3
} dw_publish_method;

/** How DropDirectoryQuota decides. */
typedef enum dw_quota_mode {
    DW_QUOTA_EXCHANGE = 0, /**< Exchange's rule (default): a message is refused when the files directly in the
                                directory already add up to the quota or more, checked before each message;
                                the message that crosses the line is still written, the next one waits */
    DW_QUOTA_STRICT = 1    /**< never exceed: a message is refused when it would not fit under the quota
                                (stricter than Exchange; a refusal with room left is not an Exchange 8005) */
} dw_quota_mode;


/** Version of dw_drop_options this header describes (see doc/abi.md). */
#define DW_DROP_OPTIONS_VERSION 2

/**
 * Options for dw_drop_open(). Initialise with dw_drop_options_init() or DW_DROP_OPTIONS_INIT, then change
 * what you need. `version` comes first and tells the library which layout the caller was compiled with;
 * an unknown version is refused with DW_E_INVAL.
 */
typedef struct dw_drop_options {
    unsigned version;           /**< DW_DROP_OPTIONS_VERSION (set by dw_drop_options_init()) */
    uint64_t quota_bytes;       /**< DropDirectoryQuota in bytes; 0 = unlimited (default) */
    unsigned retry_max;         /**< transient retries per operation (default 4; 0 = no retry; at most DW_RETRY_MAX_LIMIT) */
    unsigned retry_base_ms;     /**< first backoff delay (default 10 ms), doubled each retry */
    unsigned retry_cap_ms;      /**< maximum single delay (default 1000 ms) */
    dw_durability durability;   /**< DW_DURABLE_FULL by default */
    dw_naming naming;           /**< DW_NAMING_UNIQUE by default */
    const char *name_prefix;    /**< optional prefix for unique names (validated: a simple name part); copied */
    const char *machine_name;   /**< for DW_NAMING_EXCHANGE: the NetBIOS-style name Exchange's
                                     Environment.MachineName gives (first DNS label, upper case, at most
                                     DW_NETBIOS_NAME_MAX characters) is derived from it; NULL = the host name */
    unsigned file_mode;         /**< permission bits of message files (default 0640) */
    unsigned lock_timeout_ms;   /**< longest wait for the quota ledger lock (default DW_LOCK_TIMEOUT_DEFAULT_MS; 0 = one
                                     try); a timeout is a transient failure (ETIMEDOUT, op DW_OP_LOCK) */
    dw_quota_mode quota_mode;   /**< DW_QUOTA_EXCHANGE by default */
    /* Files other than messages that libdropwatch may create in the drop directory (a gateway that picks
     * up "*.*" would see them; Exchange itself creates only ".eml" files): temporary files ".dwtmp-*.tmp"
     * while a message is written (the price of atomic publication; removed on every failure path, crash
     * leftovers removed by dw_drop_sweep()), the quota ledger ".dwquota" (only with a quota) and the
     * health canary ".dwcanary-*.tmp" (only during dw_drop_health()). The last two can be turned off, the
     * first placed elsewhere (temp_dir, version 2): */
    int no_ledger;              /**< 1: no ".dwquota" file; the quota rescans the directory for every message
                                     under a per-handle lock (exact within one process; between processes
                                     two writers may pass the check at the same moment) */
    int no_canary;              /**< 1: dw_drop_health() writes no canary file (out->writable stays 0: not
                                     probed) */
    /* ---- version 2 ---- */
    const char *temp_dir;       /**< where temporary files are written before their rename into the drop
                                     directory; copied. NULL or "" = the drop directory itself (the default).
                                     A relative value is ONE subdirectory name of the drop directory (e.g.
                                     ".dwtmp": a pickup of "*.*" that does not recurse never sees it); an
                                     absolute value any directory on the same file system (volume) as the
                                     drop directory, since a rename cannot cross file systems. It must exist
                                     (never created) and must not be a symlink; dw_drop_open() refuses a
                                     missing one, a file, a symlink, another file system (EXDEV) or the drop
                                     directory itself with class configuration (op DW_OP_OPEN_DIR). Several
                                     handles may share one (dw_drop_sweep() removes only stale temporary files) */
} dw_drop_options;

/** The defaults of dw_drop_options as a static initialiser: `dw_drop_options o = DW_DROP_OPTIONS_INIT;` */
#define DW_DROP_OPTIONS_INIT                                                                                  \
    { .version = DW_DROP_OPTIONS_VERSION, .retry_max = DW_RETRY_MAX_DEFAULT, .retry_base_ms = 10, .retry_cap_ms = 1000,          \
      .durability = DW_DURABLE_FULL, .naming = DW_NAMING_UNIQUE, .file_mode = 0640,                        \
      .lock_timeout_ms = DW_LOCK_TIMEOUT_DEFAULT_MS }

/** Version of dw_msg_options this header describes. */
#define DW_MSG_OPTIONS_VERSION 1

/** Per-message options for dw_msg_begin(). Initialise with dw_msg_options_init() or DW_MSG_OPTIONS_INIT. */
typedef struct dw_msg_options {
    unsigned version;                /**< DW_MSG_OPTIONS_VERSION (set by dw_msg_options_init()) */
    uint64_t expected_size;          /**< message size when known (quota check before any byte is written); 0 = unknown.
                                          Required (> 0) with an envelope in DW_EOH_MIME_LENGTH mode */
    const dw_envelope *envelope;     /**< optional envelope written before the message; not copied, must outlive the call */
    dw_priority priority;            /**< for DW_NAMING_EXCHANGE */
    uint64_t record_id;              /**< for DW_NAMING_EXCHANGE; 0 = generated */
} dw_msg_options;

/** The defaults of dw_msg_options as a static initialiser. */
#define DW_MSG_OPTIONS_INIT { .version = DW_MSG_OPTIONS_VERSION, .priority = DW_PRIORITY_NORMAL }

/** Fill `opts` with the defaults (DW_DROP_OPTIONS_INIT), version included. NULL is ignored. */
DW_API void dw_drop_options_init(dw_drop_options *opts);

/**
 * Check options as dw_drop_open() does, without opening anything: DW_OK, or DW_E_INVAL with err->detail
 * naming the first invalid field and its range ("retry_max out of range (0 to 32)"). Bindings report this
 * text rather than keeping their own copy of the ranges. err may be NULL.
 */
DW_API dw_status dw_drop_options_check(const dw_drop_options *opts, dw_io_error *err);

/** Fill `opts` with the defaults (DW_MSG_OPTIONS_INIT), version included. NULL is ignored. */
DW_API void dw_msg_options_init(dw_msg_options *opts);

/**
 * Open a drop directory that must already exist (a missing one is a configuration failure: it is never
 * created). The final path component must not be a symlink.
 * @param out   receives the handle (set to NULL on failure).
 * @param path  the resolved drop directory (see dw_path_resolve()) in the platform's form.
 * @param opts  options or NULL for the defaults; copied.
 * @param err   receives the classified failure (may be NULL).
 * @return DW_OK, DW_E_INVAL, DW_E_NOMEM, DW_E_IO.
 */
DW_API dw_status dw_drop_open(dw_drop **out, const char *path, const dw_drop_options *opts, dw_io_error *err);

/** Close a drop directory handle. Messages still open on it must be committed or aborted first. NULL is ignored. */
DW_API void dw_drop_close(dw_drop *drop);

/** The path the handle was opened with. Valid until dw_drop_close(). */
DW_API const char *dw_drop_path(const dw_drop *drop);

/** How this handle publishes messages (DW_PUBLISH_UNKNOWN until its first publication, or for NULL). */
DW_API dw_publish_method dw_drop_publish_method(const dw_drop *drop);

/** Short name of a publish method: "unknown", "rename-noreplace", "link", "unique-rename". Static. */
DW_API const char *dw_publish_method_name(dw_publish_method method);

/**
 * Explicitly create a drop directory (admin tools only; writes never do this). The parent must exist.
 * An existing directory is not an error. mode 0 means 0750.
 */
DW_API dw_status dw_drop_create_dir(const char *path, unsigned mode, dw_io_error *err);

/**
 * Start a streamed message: creates the temporary file. With a quota, fails with class capacity (op
 * DW_OP_QUOTA) before anything is written when the directory is already at the quota (DW_QUOTA_EXCHANGE),
 * or, in DW_QUOTA_STRICT mode with a known expected_size, when the message would not fit.
 * An envelope in DW_EOH_MIME_LENGTH mode (the default) writes the MIME length before the message, so it
 * needs expected_size > 0: without it the call fails at once with DW_E_INVAL, and err->detail says to
 * pass expected_size or to choose DW_EOH_HEADER_LENGTH.
 * @param opts  per-message options or NULL.
 */
DW_API dw_status dw_msg_begin(dw_drop *drop, dw_msg **out, const dw_msg_options *opts, dw_io_error *err);

/** Append bytes to a streamed message (short writes and EINTR are handled). On failure the message is
 * aborted (temporary file removed) and must still be released with dw_msg_abort(). */
DW_API dw_status dw_msg_write(dw_msg *msg, const void *data, size_t len, dw_io_error *err);

/**
 * Publish a streamed message: fsync, atomic no-replace rename to a unique final name, directory fsync.
 * Always releases `msg`, success or not. On failure err->outcome says whether the message is published
 * after all (DW_OUTCOME_UNCERTAIN, name in err->published) or not (DW_OUTCOME_NOT_PUBLISHED).
 * @param name_out  receives the final file name (not the full path); may be NULL when size is 0.
 * @param needed    receives the size needed for name_out (with NUL); names are at most DW_FILE_NAME_MAX.
 */
DW_API dw_status dw_msg_commit(dw_msg *msg, char *name_out, size_t size, size_t *needed, dw_io_error *err);

/** Abandon a streamed message: removes its temporary file and releases `msg`. NULL is ignored. */
DW_API void dw_msg_abort(dw_msg *msg);

/** Bytes written to a streamed message so far (envelope included). */
DW_API uint64_t dw_msg_size(const dw_msg *msg);

/** Longest final file name the library generates, including the NUL. */
#define DW_FILE_NAME_MAX 128

/** One-shot guarded write of a buffer (begin + write + commit). opts may be NULL. */
DW_API dw_status dw_drop_write(dw_drop *drop, const void *data, size_t len, const dw_msg_options *opts,
                               char *name_out, size_t size, size_t *needed, dw_io_error *err);

#ifndef _WIN32
/** One-shot guarded write of everything readable from a file descriptor (read until EOF; never held in
 * memory whole). POSIX only: on Windows use dw_drop_write_file() or dw_drop_write_cb(). */
DW_API dw_status dw_drop_write_fd(dw_drop *drop, int fd, const dw_msg_options *opts,
                                  char *name_out, size_t size, size_t *needed, dw_io_error *err);
#endif

/**
 * One-shot guarded write of the file at `path` (UTF-8; opened for reading by the library, read until EOF,
 * never held in memory whole). Portable: bindings use it instead of opening a descriptor themselves. A
 * failure to open or read the source is reported with op DW_OP_READ and the source's path.
 */
DW_API dw_status dw_drop_write_file(dw_drop *drop, const char *path, const dw_msg_options *opts,
                                    char *name_out, size_t size, size_t *needed, dw_io_error *err);

/**
 * Source callback of dw_drop_write_cb(): copy up to `size` bytes into `buf`, store how many in *got (0 at
 * the end of the data) and return 0; or return a positive errno value for a failure of the source (the
 * write is abandoned and reported with op DW_OP_READ).
 */
typedef int (*dw_read_fn)(void *user, void *buf, size_t size, size_t *got);

/**
 * One-shot guarded write of everything `read` yields (called until it reports 0 bytes). With an envelope
 * in DW_EOH_MIME_LENGTH mode, opts->expected_size must announce the MIME length.
 */
DW_API dw_status dw_drop_write_cb(dw_drop *drop, dw_read_fn read, void *user, const dw_msg_options *opts,
                                  char *name_out, size_t size, size_t *needed, dw_io_error *err);

/**
 * Guarded write of several messages with one durability barrier: every message is written to its own
 * temporary file, the file system is flushed once (syncfs() of the drop directory's file system, or an
 * fsync per file where syncfs is unavailable), each message is renamed to its own unique final name, and
 * the directory is fsynced once. The guarantee per message is the same as dw_drop_write(): a message is
 * never visible partially under a final name. On success all `count` messages are published and durable
 * (with DW_DURABLE_FULL). On failure the first *done messages are published and durable, and none of the
 * others exists under any name (err->outcome DW_OUTCOME_NOT_PUBLISHED) -- unless a rename's reply was lost
 * (it may have happened), or the directory fsync of a group failed and withdrawing its messages failed
 * too: then err->outcome is DW_OUTCOME_UNCERTAIN, some messages of that group stay published with their
 * durability unknown, the first is named in err->published and err->detail says how many. Messages are
 * processed in groups of at most 256 open files.
 * @param bufs         `count` message buffers (a NULL buffer is allowed only with length 0).
 * @param lens         their lengths.
 * @param opts         per-message options applied to every message (expected_size is ignored), or NULL.
 * @param names        NULL, or `count` * name_stride bytes receiving each final name (NUL-terminated).
 * @param name_stride  bytes per name in `names`; at least DW_FILE_NAME_MAX when names is not NULL.
 * @param done         receives how many messages were published (may be NULL).
 * @return DW_OK, DW_E_INVAL, DW_E_BUFFER (name_stride too small; nothing written), DW_E_NOMEM, DW_E_IO.
 * C only in spirit: bindings wrap it as a list of byte strings in, a list of names out.
 */
DW_API dw_status dw_drop_write_batch(dw_drop *drop, const void *const *bufs, const size_t *lens, size_t count,
                                     const dw_msg_options *opts, char *names, size_t name_stride, size_t *done,
                                     dw_io_error *err);

/**
 * Remove temporary files (".dwtmp-*.tmp") older than max_age_seconds left by crashed writers, in the drop
 * directory and in dw_drop_options.temp_dir when one is set. Never touches any other file. `removed` (may
 * be NULL) receives how many were removed.
 */
DW_API dw_status dw_drop_sweep(dw_drop *drop, unsigned max_age_seconds, uint64_t *removed, dw_io_error *err);

/**
 * The age, in seconds, after which a temporary file counts as left behind by a crashed writer when the
 * caller chose none: the default max_age_seconds of dw_drop_sweep() and stale_age_seconds of
 * dw_drop_health() in the dropwatch program and every binding (one hour: far longer than any write).
 */
#define DW_STALE_AGE_DEFAULT_SECONDS 3600

/** Usage of the drop directory as the quota counts it: bytes and number of top-level regular files. */
DW_API dw_status dw_drop_usage(dw_drop *drop, uint64_t *bytes, uint64_t *files, dw_io_error *err);

/** Version of dw_health this header describes. */
#define DW_HEALTH_VERSION 1

/**
 * Result of dw_drop_health(). The caller sets `version` (DW_HEALTH_INIT) so that a later library never
 * writes fields the caller's struct does not have.
 */
typedef struct dw_health {
    unsigned version;           /**< DW_HEALTH_VERSION, set by the caller */
    int exists;                 /**< the path exists */
    int is_directory;           /**< and is a directory (not a symlink) */
    int writable;               /**< a canary guarded write succeeded and was removed */
    uint64_t free_bytes;        /**< free space for the service account (statvfs f_bavail) */
    uint64_t total_bytes;       /**< size of the file system */
    uint64_t used_bytes;        /**< bytes in top-level files (quota accounting) */
    uint64_t file_count;        /**< top-level regular files */
    uint64_t quota_bytes;       /**< configured quota (0 = unlimited) */
    uint64_t stale_temp_files;  /**< temporary files older than the stale age */
    uint64_t canary_micros;     /**< duration of the canary write in microseconds */
    dw_publish_method publish_method; /**< how the canary was published (what writes to this directory use) */
} dw_health;

/** An empty dw_health with its version set: `dw_health h = DW_HEALTH_INIT;` */
#define DW_HEALTH_INIT { .version = DW_HEALTH_VERSION }

/**
 * Health probe of a drop directory: existence, type, free space, quota use, stale temporary files and a
 * canary guarded write that is removed afterwards. Returns DW_OK when healthy; otherwise the first failure
 * (classified in err) with the fields gathered so far in *out. out->version must be DW_HEALTH_VERSION
 * (DW_E_INVAL otherwise); the library keeps it and fills the rest.
 */
DW_API dw_status dw_drop_health(const char *path, const dw_drop_options *opts, unsigned stale_age_seconds,
                                dw_health *out, dw_io_error *err);

/* ---- Group commit ---------------------------------------------------------------------------------- */

/**
 * A flush group: durable writes that share their directory fsyncs (group commit; opt-in, off by
 * default). Joins the threads of one handle, or several handles of one process whose drop directories
 * are on the same file system. Writers that renamed while a directory
 * fsync ran are all covered by the next one (one fsync per directory); each call still returns only
 * after its own message is durable under its final name, with its own outcome. Owned by the caller:
 * free it after every handle using it is closed.
 */
typedef struct dw_flush_group dw_flush_group;

/** Create a flush group (DW_FLUSH_DIRECTORY). @return DW_OK, DW_E_INVAL (out NULL), DW_E_NOMEM. */
DW_API dw_status dw_flush_group_new(dw_flush_group **out);

/** What a flush group shares. */
typedef enum dw_flush_mode {
    DW_FLUSH_DIRECTORY = 0, /**< the directory fsyncs; each writer fsyncs its own file (dw_flush_group_new) */
    DW_FLUSH_SYNCFS = 1     /**< also the file flushes: one syncfs() of the file system for every writer
                                 ready to publish (flushes other programs' dirty data too; Linux only,
                                 elsewhere each writer fsyncs its own file) */
} dw_flush_mode;

/** Version of dw_flush_group_options this header describes. */
#define DW_FLUSH_GROUP_OPTIONS_VERSION 1

/** Options of dw_flush_group_new_ex(). Initialise with DW_FLUSH_GROUP_OPTIONS_INIT. */
typedef struct dw_flush_group_options {
    unsigned version;   /**< DW_FLUSH_GROUP_OPTIONS_VERSION */
    dw_flush_mode mode; /**< what the group shares (default DW_FLUSH_DIRECTORY) */
} dw_flush_group_options;

/** The defaults: `dw_flush_group_options o = DW_FLUSH_GROUP_OPTIONS_INIT;` */
#define DW_FLUSH_GROUP_OPTIONS_INIT { .version = DW_FLUSH_GROUP_OPTIONS_VERSION, .mode = DW_FLUSH_DIRECTORY }

/**
 * Create a flush group with options (NULL: the defaults, same as dw_flush_group_new()).
 * @return DW_OK, DW_E_INVAL (out NULL, unknown version or mode), DW_E_NOMEM.
 */
DW_API dw_status dw_flush_group_new_ex(dw_flush_group **out, const dw_flush_group_options *opts);

/** Free a flush group no handle uses any more. NULL is ignored. */
DW_API void dw_flush_group_free(dw_flush_group *group);

/**
 * Make `drop` flush with `group` (NULL: no group, each write its own directory fsync, the default). Call before the handle writes, from one
 * thread. @return DW_OK, DW_E_INVAL (drop NULL, or the group already serves another file system: err
 * says which), DW_E_IO (the directory could not be examined).
 */
DW_API dw_status dw_drop_set_flush_group(dw_drop *drop, dw_flush_group *group, dw_io_error *err);

#ifdef __cplusplus
}
#endif

#endif /* DROPWATCH_GUARD_H */
