/*
 * wine-lpc benchmarks: native Linux baselines
 *
 * Copyright 2026 the wine-lpc authors
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Lesser General Public
 * License as published by the Free Software Foundation; either
 * version 2.1 of the License, or (at your option) any later version.
 *
 * This library is distributed in the hope that it will be useful,
 * but WITHOUT ANY WARRANTY; without even the implied warranty of
 * MERCHANTABILITY or FITNESS FOR A PARTICULAR PURPOSE.  See the GNU
 * Lesser General Public License for more details.
 *
 * You should have received a copy of the GNU Lesser General Public
 * License along with this library; if not, write to the Free Software
 * Foundation, Inc., 51 Franklin St, Fifth Floor, Boston, MA 02110-1301, USA
 */

/*
 * "bench_native socketpair": a SOCK_SEQPACKET socketpair; the parent sends
 * 64 bytes, the forked child sends them back.
 *
 * "bench_native futex": 64 bytes each way through shared memory, the turn
 * passed with FUTEX_WAKE / FUTEX_WAIT (shared, not private: two processes).
 *
 * The parent times each round trip with clock_gettime(CLOCK_MONOTONIC) and
 * prints a result line in the format of bench.h.
 */

#define _GNU_SOURCE
#include <errno.h>
#include <linux/futex.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define SMALL_DATA 64
#define DEFAULT_BUDGET_MS 2000
#define WARMUP_MS 150
#define MAX_SAMPLES 2000000

static double *samples;
static unsigned int count;

static void fail( const char *what )
{
    printf( "BENCH-ERROR native: %s: %s\n", what, strerror( errno ) );
    exit( 1 );
}

static double now_us(void)
{
    struct timespec ts;
    clock_gettime( CLOCK_MONOTONIC, &ts );
    return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

static double budget_ms(void)
{
    const char *env = getenv( "BENCH_BUDGET_MS" );
    return env && atoi( env ) > 0 ? atoi( env ) : DEFAULT_BUDGET_MS;
}

static int cmp_double( const void *a, const void *b )
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static double percentile( double p )
{
    unsigned int rank = (unsigned int)(p / 100.0 * count + 0.999999);
    if (rank < 1) rank = 1;
    if (rank > count) rank = count;
    return samples[rank - 1];
}

/* as measure() in bench.h */
static void measure( void (*op)( void * ), void *ctx )
{
    const char *env = getenv( "BENCH_WARMUP_MS" );
    double warm_ms = env && atoi( env ) >= 0 ? atoi( env ) : WARMUP_MS;
    double warm_end = now_us() + warm_ms * 1000.0, end, t0, t1;

    while (now_us() < warm_end) op( ctx );
    end = now_us() + budget_ms() * 1000.0;
    count = 0;
    do
    {
        t0 = now_us();
        op( ctx );
        t1 = now_us();
        samples[count++] = t1 - t0;
    } while (count < MAX_SAMPLES && (count < 200 || t1 < end));
}

static void report( const char *id, const char *scenario )
{
    qsort( samples, count, sizeof(*samples), cmp_double );
    printf( "BENCH {\"id\": \"%s\", \"scenario\": \"%s\", \"unit\": \"us\", \"median\": %.3f, \"p99\": %.3f, "
            "\"iterations\": %u, \"extra\": {}}\n", id, scenario, percentile( 50 ), percentile( 99 ), count );
    fflush( stdout );
}

/***********************************************************************
 * SOCK_SEQPACKET socketpair
 */

static void socket_op( void *arg )
{
    int fd = *(int *)arg;
    char buf[SMALL_DATA], back[SMALL_DATA];
    static uint32_t seq;

    memset( buf, 0x5a, sizeof(buf) );
    seq++;
    memcpy( buf, &seq, sizeof(seq) );
    if (send( fd, buf, sizeof(buf), 0 ) != sizeof(buf)) fail( "send" );
    if (recv( fd, back, sizeof(back), 0 ) != sizeof(back) || memcmp( buf, back, sizeof(buf) )) fail( "recv" );
}

static void bench_socketpair(void)
{
    char buf[SMALL_DATA];
    int sv[2], status;
    ssize_t n;
    pid_t pid;

    if (socketpair( AF_UNIX, SOCK_SEQPACKET, 0, sv )) fail( "socketpair" );
    if ((pid = fork()) < 0) fail( "fork" );
    if (!pid)
    {
        close( sv[0] );
        while ((n = recv( sv[1], buf, sizeof(buf), 0 )) > 0)
            if (send( sv[1], buf, n, 0 ) != n) _exit( 1 );
        _exit( n < 0 );
    }
    close( sv[1] );
    measure( socket_op, &sv[0] );
    close( sv[0] );
    if (waitpid( pid, &status, 0 ) != pid || !WIFEXITED( status ) || WEXITSTATUS( status ))
        fail( "the socketpair child failed" );
    report( "native_socketpair", "Linux socketpair ping-pong (baseline)" );
}

/***********************************************************************
 * futex over shared memory
 */

struct shared
{
    int turn;                   /* 1: the child's, 2: the parent's, 3: the child stops */
    char data[2][SMALL_DATA];
};

static void futex_wait( int *addr, int value )
{
    while (__atomic_load_n( addr, __ATOMIC_ACQUIRE ) == value)
        if (syscall( SYS_futex, addr, FUTEX_WAIT, value, NULL, NULL, 0 ) && errno != EAGAIN && errno != EINTR)
            fail( "FUTEX_WAIT" );
}

static void pass_turn( struct shared *shm, int turn )
{
    __atomic_store_n( &shm->turn, turn, __ATOMIC_RELEASE );
    if (syscall( SYS_futex, &shm->turn, FUTEX_WAKE, 1, NULL, NULL, 0 ) < 0) fail( "FUTEX_WAKE" );
}

static void futex_op( void *arg )
{
    struct shared *shm = arg;
    char buf[SMALL_DATA];
    static uint32_t seq;

    memset( buf, 0x5a, sizeof(buf) );
    seq++;
    memcpy( buf, &seq, sizeof(seq) );
    memcpy( shm->data[0], buf, SMALL_DATA );
    pass_turn( shm, 1 );
    futex_wait( &shm->turn, 1 );
    if (memcmp( shm->data[1], buf, SMALL_DATA )) fail( "the data came back wrong" );
}

static void bench_futex(void)
{
    struct shared *shm;
    int status;
    pid_t pid;

    shm = mmap( NULL, sizeof(*shm), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0 );
    if (shm == MAP_FAILED) fail( "mmap" );
    shm->turn = 2;
    if ((pid = fork()) < 0) fail( "fork" );
    if (!pid)
    {
        for (;;)
        {
            futex_wait( &shm->turn, 2 );
            if (__atomic_load_n( &shm->turn, __ATOMIC_ACQUIRE ) == 3) _exit( 0 );
            memcpy( shm->data[1], shm->data[0], SMALL_DATA );
            pass_turn( shm, 2 );
        }
    }
    measure( futex_op, shm );
    pass_turn( shm, 3 );
    if (waitpid( pid, &status, 0 ) != pid || !WIFEXITED( status ) || WEXITSTATUS( status ))
        fail( "the futex child failed" );
    munmap( shm, sizeof(*shm) );
    report( "native_futex", "Linux futex ping-pong (baseline)" );
}

int main( int argc, char **argv )
{
    if (!(samples = malloc( MAX_SAMPLES * sizeof(*samples) ))) fail( "malloc" );
    if (argc == 2 && !strcmp( argv[1], "socketpair" )) bench_socketpair();
    else if (argc == 2 && !strcmp( argv[1], "futex" )) bench_futex();
    else
    {
        fprintf( stderr, "usage: %s socketpair|futex\n", argv[0] );
        return 2;
    }
    return 0;
}
