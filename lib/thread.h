/* SPDX-License-Identifier: MIT */
/* The small lock layer of the library (libuv-style split): a mutex per quota ledger, and a mutex with a
 * condition variable per flush group (group_commit.c). SRWLOCK and CONDITION_VARIABLE on Windows (no
 * destruction needed, cannot fail), pthread elsewhere. */
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
typedef CONDITION_VARIABLE dwi_cond;

static inline int dwi_cond_init(dwi_cond *c)
{
    InitializeConditionVariable(c);
    return 0;
}
static inline void dwi_cond_destroy(dwi_cond *c)
{
    (void)c;
}
static inline void dwi_cond_wait(dwi_cond *c, dwi_mutex *m)
{
    SleepConditionVariableSRW(c, m, INFINITE, 0);
}
static inline void dwi_cond_broadcast(dwi_cond *c)
{
    WakeAllConditionVariable(c);
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

typedef pthread_cond_t dwi_cond;

static inline int dwi_cond_init(dwi_cond *c)
{
    return pthread_cond_init(c, NULL);
}
static inline void dwi_cond_destroy(dwi_cond *c)
{
    pthread_cond_destroy(c);
}
static inline void dwi_cond_wait(dwi_cond *c, dwi_mutex *m)
{
    pthread_cond_wait(c, m);
}
static inline void dwi_cond_broadcast(dwi_cond *c)
{
    pthread_cond_broadcast(c);
}
#endif

#endif /* DW_LIB_THREAD_H */
