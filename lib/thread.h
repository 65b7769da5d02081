/* The small lock layer of the library (libuv-style split): a mutex per quota ledger is all it needs.
 * SRWLOCK on Windows (no destruction needed, cannot fail), pthread elsewhere. */
#ifndef DW_LIB_THREAD_H
#define DW_LIB_THREAD_H

#ifdef _WIN32
#ifndef WIN32_LEAN_AND_MEAN
#define WIN32_LEAN_AND_MEAN
#endif
#include <windows.h>

typedef SRWLOCK dwi_mutex;

static inline int dwi_mutex_init(dwi_mutex *m)
{
    InitializeSRWLock(m);
    return 0;
}
static inline void dwi_mutex_destroy(dwi_mutex *m)
{
    (void)m;
}
static inline void dwi_mutex_lock(dwi_mutex *m)
{
    AcquireSRWLockExclusive(m);
}
static inline void dwi_mutex_unlock(dwi_mutex *m)
{
    ReleaseSRWLockExclusive(m);
}
#else
#include <pthread.h>

typedef pthread_mutex_t dwi_mutex;

static inline int dwi_mutex_init(dwi_mutex *m)
{
    return pthread_mutex_init(m, NULL);
}
static inline void dwi_mutex_destroy(dwi_mutex *m)
{
    pthread_mutex_destroy(m);
}
static inline void dwi_mutex_lock(dwi_mutex *m)
{
    pthread_mutex_lock(m);
}
static inline void dwi_mutex_unlock(dwi_mutex *m)
{
    pthread_mutex_unlock(m);
}
#endif

#endif /* DW_LIB_THREAD_H */
