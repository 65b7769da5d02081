/* SPDX-License-Identifier: MIT */
/*
 * bench_alloc.c - count heap allocations made while a benchmark region runs.
 *
 * The benchmark binary defines malloc/calloc/realloc/free (and the aligned variants) itself. glibc
 * supports replacing the allocator this way, and a definition in the executable takes precedence for every
 * shared object, libdropwatch.so included, so calls made inside the library are counted without touching
 * the library. The wrappers forward to glibc's own allocator (__libc_malloc & co.), so memory allocated by
 * either side may be freed by the other. Under sanitizers (which own malloc) or outside glibc counting is
 * compiled out and the figure is reported as not available.
 */
#include <config.h>

#include <errno.h>
#include <stdatomic.h>
#include <stdlib.h>

#include "bench.h"

#if defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(memory_sanitizer)
#define BENCH_NO_ALLOC_COUNT 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__)
#define BENCH_NO_ALLOC_COUNT 1
#endif
#if !defined(__GLIBC__)
#define BENCH_NO_ALLOC_COUNT 1
#endif

#ifndef BENCH_NO_ALLOC_COUNT

static atomic_int counting;
static atomic_ullong allocations;

extern void *__libc_malloc(size_t size);
extern void *__libc_calloc(size_t n, size_t size);
extern void *__libc_realloc(void *ptr, size_t size);
extern void __libc_free(void *ptr);
extern void *__libc_memalign(size_t align, size_t size);

static inline void count_one(void)
{
    if (atomic_load_explicit(&counting, memory_order_relaxed))
        atomic_fetch_add_explicit(&allocations, 1, memory_order_relaxed);
}

void *malloc(size_t size)
{
    count_one();
    return __libc_malloc(size);
}

void *calloc(size_t n, size_t size)
{
    count_one();
    return __libc_calloc(n, size);
}

void *realloc(void *ptr, size_t size)
{
    count_one();
    return __libc_realloc(ptr, size);
}

void free(void *ptr)
{
    __libc_free(ptr);
}

void *aligned_alloc(size_t align, size_t size)
{
    count_one();
    return __libc_memalign(align, size);
}

int posix_memalign(void **out, size_t align, size_t size)
{
    /* Same argument checks as glibc: a power of two multiple of sizeof(void *). */
    if (align % sizeof(void *) != 0 || (align & (align - 1)) != 0 || align == 0)
        return EINVAL;
    count_one();
    void *p = __libc_memalign(align, size);
    if (p == NULL)
        return ENOMEM;
    *out = p;
    return 0;
}

int bench_alloc_supported(void)
{
    return 1;
}

void bench_alloc_start(void)
{
    atomic_store(&allocations, 0);
    atomic_store(&counting, 1);
}

uint64_t bench_alloc_stop(void)
{
    atomic_store(&counting, 0);
    return (uint64_t)atomic_load(&allocations);
}

#else /* BENCH_NO_ALLOC_COUNT */

int bench_alloc_supported(void)
{
    return 0;
}

void bench_alloc_start(void)
{
}

uint64_t bench_alloc_stop(void)
{
    return 0;
}

#endif
