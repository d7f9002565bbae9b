/*
 * wine-lpc benchmarks: what the Windows bench programs share
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
 * Every program is a server that starts copies of itself as clients ("PROG
 * client ..."), so server and client are separate processes.  A scenario's
 * result is one line on stdout,
 *
 *   BENCH {"id": ..., "scenario": ..., "unit": ..., "median": ..., "p99": ...,
 *          "iterations": ..., "extra": {...}}
 *
 * which bench/run.py collects; "BENCH-ERROR text" reports a failure.  Times
 * come from QueryPerformanceCounter.  Each measurement warms up first, then
 * runs until both a minimum count and a time budget are reached (or a
 * maximum count is).  Nothing here asserts a speed.
 *
 * Built with plain mingw-w64 headers and <ntdef/ntlpcapi.h>, as a user's
 * program would be.
 */

#ifndef WINE_LPC_BENCH_H
#define WINE_LPC_BENCH_H

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <windows.h>
#include <winternl.h>
#include <ntdef/ntlpcapi.h>

#ifndef STATUS_TIMEOUT
#define STATUS_TIMEOUT ((NTSTATUS)0x00000102)
#endif

#define MSG_TYPE(h) ((h)->u2.s2.Type & 0xff)
#define HDR_SIZE    ((ULONG)sizeof(PORT_MESSAGE))

/* how long one measurement runs, warm-up excluded (BENCH_BUDGET_MS overrides) */
#define BENCH_DEFAULT_BUDGET_MS 2000
#define BENCH_WARMUP_MS 150
/* a process still running after this gives up (run.py's own timeout is longer) */
#define BENCH_WATCHDOG_MS 100000

static char bench_side[32] = "bench";
static const char * volatile bench_step = "starting";
static LARGE_INTEGER bench_freq;

/* one line at once, so that the lines of the processes sharing stdout do not mix */
static inline void __attribute__((noreturn)) fail( const char *format, ... )
{
    char line[1024];
    va_list args;
    int len;

    len = snprintf( line, sizeof(line), "BENCH-ERROR %s: ", bench_side );
    va_start( args, format );
    vsnprintf( line + len, sizeof(line) - len - 1, format, args );
    va_end( args );
    strcat( line, "\n" );
    fputs( line, stdout );
    fflush( stdout );
    ExitProcess( 1 );
}

static inline DWORD WINAPI bench_watchdog( void *arg )
{
    (void)arg;
    Sleep( BENCH_WATCHDOG_MS );
    fail( "still running after %u s, in step \"%s\"; giving up", BENCH_WATCHDOG_MS / 1000, bench_step );
}

static inline void bench_init( const char *side )
{
    HANDLE thread;

    snprintf( bench_side, sizeof(bench_side), "%s", side );
    QueryPerformanceFrequency( &bench_freq );
    if ((thread = CreateThread( NULL, 0, bench_watchdog, NULL, 0, NULL ))) CloseHandle( thread );
}

static inline LONGLONG ticks(void)
{
    LARGE_INTEGER now;
    QueryPerformanceCounter( &now );
    return now.QuadPart;
}

static inline double ticks_to_us( LONGLONG t )
{
    return (double)t * 1e6 / (double)bench_freq.QuadPart;
}

static inline LONGLONG ms_to_ticks( double ms )
{
    return (LONGLONG)(ms * (double)bench_freq.QuadPart / 1000.0);
}

static inline double warmup_ms(void)
{
    char buf[32];
    if (GetEnvironmentVariableA( "BENCH_WARMUP_MS", buf, sizeof(buf) ) && atoi( buf ) >= 0) return atoi( buf );
    return BENCH_WARMUP_MS;
}

static inline double budget_ms(void)
{
    char buf[32];
    if (GetEnvironmentVariableA( "BENCH_BUDGET_MS", buf, sizeof(buf) ) && atoi( buf ) > 0) return atoi( buf );
    return BENCH_DEFAULT_BUDGET_MS;
}

/***********************************************************************
 * Samples and statistics
 */

struct samples
{
    double  *v;       /* one value per iteration, in microseconds */
    unsigned count;
    unsigned max;
};

static inline void samples_init( struct samples *s, unsigned max )
{
    s->count = 0;
    s->max = max;
    if (!(s->v = malloc( max * sizeof(*s->v) ))) fail( "out of memory" );
}

static inline int cmp_double( const void *a, const void *b )
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* nearest-rank percentile of sorted values */
static inline double percentile( const double *sorted, unsigned n, double p )
{
    unsigned rank;

    if (!n) return 0;
    rank = (unsigned)(p / 100.0 * n + 0.999999);
    if (rank < 1) rank = 1;
    if (rank > n) rank = n;
    return sorted[rank - 1];
}

/* Runs op(ctx) for warm_ms, then times each call and adds it to the samples
 * until min_iter calls and the budget are done, or the samples are full. */
typedef void (*bench_op)( void *ctx );

static inline void measure_more( struct samples *s, bench_op op, void *ctx, unsigned min_iter, double budget,
                                 double warm_ms )
{
    LONGLONG warm_end = ticks() + ms_to_ticks( warm_ms ), end, t0, t1;
    unsigned start = s->count;

    while (ticks() < warm_end) op( ctx );
    end = ticks() + ms_to_ticks( budget );
    do
    {
        t0 = ticks();
        op( ctx );
        t1 = ticks();
        s->v[s->count++] = ticks_to_us( t1 - t0 );
    } while (s->count < s->max && (s->count - start < min_iter || t1 < end));
}

/* the usual measurement: warm up, then time until min_iter calls and the budget are done */
static inline void measure( struct samples *s, bench_op op, void *ctx, unsigned min_iter, double budget )
{
    s->count = 0;
    measure_more( s, op, ctx, min_iter, budget, warmup_ms() );
}

/* the "extra" object of a result line, built up by the caller */
struct extra
{
    char text[1024];
    size_t len;
};

static inline void extra_add( struct extra *e, const char *format, ... )
{
    va_list args;

    if (e->len && e->len < sizeof(e->text) - 2) e->text[e->len++] = ',';
    va_start( args, format );
    e->len += vsnprintf( e->text + e->len, sizeof(e->text) - e->len, format, args );
    va_end( args );
    if (e->len >= sizeof(e->text)) e->len = sizeof(e->text) - 1;
}

static inline void emit( const char *id, const char *scenario, const char *unit, double median, double p99,
                         unsigned iterations, const struct extra *extra )
{
    char line[2048];

    snprintf( line, sizeof(line),
              "BENCH {\"id\": \"%s\", \"scenario\": \"%s\", \"unit\": \"%s\", \"median\": %.3f, "
              "\"p99\": %.3f, \"iterations\": %u, \"extra\": {%s}}\n",
              id, scenario, unit, median, p99, iterations, extra ? extra->text : "" );
    fputs( line, stdout );
    fflush( stdout );
}

/* a latency row: median and p99 of the per-iteration times, in us */
static inline void report_latency( const char *id, const char *scenario, struct samples *s, struct extra *extra )
{
    qsort( s->v, s->count, sizeof(*s->v), cmp_double );
    emit( id, scenario, "us", percentile( s->v, s->count, 50 ), percentile( s->v, s->count, 99 ),
          s->count, extra );
}

/* A throughput row: each iteration moved `amount` units (bytes for MB/s,
 * messages for msg/s).  The median is the rate at the median time, "p99" the
 * rate at the 99th-percentile time: the slow tail, a lower rate. */
static inline void report_rate( const char *id, const char *scenario, const char *unit, double amount,
                                struct samples *s, unsigned iterations, struct extra *extra )
{
    double scale = !strcmp( unit, "MB/s" ) ? 1.0 : 1e6;  /* bytes/us = MB/s; msgs/us * 1e6 = msg/s */

    qsort( s->v, s->count, sizeof(*s->v), cmp_double );
    emit( id, scenario, unit, scale * amount / percentile( s->v, s->count, 50 ),
          scale * amount / percentile( s->v, s->count, 99 ), iterations, extra );
}

/***********************************************************************
 * Processes and names
 */

/* starts "THIS-EXE client ARGS"; stdout and stderr are shared */
static inline HANDLE start_client( const char *format, ... )
{
    char exe[MAX_PATH], args[2 * MAX_PATH], cmdline[4 * MAX_PATH];
    STARTUPINFOA si;
    PROCESS_INFORMATION pi;
    va_list va;

    if (!GetModuleFileNameA( NULL, exe, sizeof(exe) )) fail( "GetModuleFileName, error %u", (unsigned)GetLastError() );
    va_start( va, format );
    vsnprintf( args, sizeof(args), format, va );
    va_end( va );
    snprintf( cmdline, sizeof(cmdline), "\"%s\" client %s", exe, args );
    memset( &si, 0, sizeof(si) );
    si.cb = sizeof(si);
    si.dwFlags = STARTF_USESTDHANDLES;
    si.hStdInput = GetStdHandle( STD_INPUT_HANDLE );
    si.hStdOutput = GetStdHandle( STD_OUTPUT_HANDLE );
    si.hStdError = GetStdHandle( STD_ERROR_HANDLE );
    if (!CreateProcessA( exe, cmdline, NULL, NULL, TRUE, 0, NULL, NULL, &si, &pi ))
        fail( "CreateProcess(%s), error %u", cmdline, (unsigned)GetLastError() );
    CloseHandle( pi.hThread );
    return pi.hProcess;
}

/* waits for a client and checks that it succeeded */
static inline void finish_client( HANDLE process, DWORD ms )
{
    DWORD code = 1;

    if (WaitForSingleObject( process, ms ) != WAIT_OBJECT_0)
    {
        TerminateProcess( process, 1 );
        fail( "a client did not exit within %u ms (step \"%s\")", (unsigned)ms, bench_step );
    }
    GetExitCodeProcess( process, &code );
    CloseHandle( process );
    if (code) fail( "a client exited with code %u", (unsigned)code );
}

/* an ASCII name as a UNICODE_STRING */
static inline void make_unicode( UNICODE_STRING *str, WCHAR *buffer, unsigned int size, const char *name )
{
    unsigned int i;

    for (i = 0; name[i] && i < size - 1; i++) buffer[i] = (unsigned char)name[i];
    buffer[i] = 0;
    str->Buffer = buffer;
    str->Length = i * sizeof(WCHAR);
    str->MaximumLength = (i + 1) * sizeof(WCHAR);
}

static inline LARGE_INTEGER *rel_timeout( LARGE_INTEGER *timeout, DWORD ms )
{
    timeout->QuadPart = -(LONGLONG)ms * 10000;
    return timeout;
}

/***********************************************************************
 * ALPC
 */

/* the largest message: header included, TotalLength bounds it */
#define BENCH_MAX_MESSAGE 0xffff

/* what every bench message starts its data with */
struct bench_hdr
{
    ULONG op;
    ULONG seq;
    ULONG offset;   /* a chunk's place in the 1 MiB */
    ULONG arg;      /* a count, a size, a flag: see the op */
};

union bench_msg
{
    PORT_MESSAGE h;
    struct
    {
        PORT_MESSAGE h;
        struct bench_hdr b;
    } m;
    BYTE raw[BENCH_MAX_MESSAGE + 1];
};

#define MSG_HDR(msg) (&(msg)->m.b)
#define MSG_DATA(msg) ((BYTE *)&(msg)->m.b)

static inline void init_msg( union bench_msg *msg, ULONG data_len, ULONG op )
{
    memset( &msg->h, 0, sizeof(msg->h) );
    msg->h.u1.s1.DataLength = (SHORT)data_len;
    msg->h.u1.s1.TotalLength = (SHORT)(data_len + HDR_SIZE);
    MSG_HDR( msg )->op = op;
}

/* the reply to a received request: same ClientId, MessageId and CallbackId */
static inline void init_reply( union bench_msg *reply, const union bench_msg *req, ULONG data_len )
{
    reply->h = req->h;
    reply->h.u2.ZeroInit = 0;
    reply->h.u1.s1.DataLength = (SHORT)data_len;
    reply->h.u1.s1.TotalLength = (SHORT)(data_len + HDR_SIZE);
}

static inline void alpc_port_attributes( ALPC_PORT_ATTRIBUTES *attrs, SIZE_T max_message )
{
    memset( attrs, 0, sizeof(*attrs) );
    attrs->Flags = ALPC_PORFLG_ALLOW_DUP_OBJECT;
    attrs->SecurityQos.Length = sizeof(attrs->SecurityQos);
    attrs->SecurityQos.ImpersonationLevel = SecurityImpersonation;
    attrs->SecurityQos.ContextTrackingMode = SECURITY_STATIC_TRACKING;
    attrs->MaxMessageLength = max_message;
    attrs->MaxPoolUsage = ~(SIZE_T)0;
    attrs->MaxSectionSize = ~(SIZE_T)0;
    attrs->MaxViewSize = ~(SIZE_T)0;
    attrs->MaxTotalSectionSize = ~(SIZE_T)0;
    attrs->DupObjectTypes = ALPC_PORFLG_OBJECT_TYPE_ALL;
}

static inline HANDLE alpc_create( const char *name, SIZE_T max_message )
{
    ALPC_PORT_ATTRIBUTES attrs;
    OBJECT_ATTRIBUTES attr;
    UNICODE_STRING str;
    WCHAR buffer[MAX_PATH];
    HANDLE port = NULL;
    NTSTATUS status;

    make_unicode( &str, buffer, MAX_PATH, name );
    InitializeObjectAttributes( &attr, &str, 0, NULL, NULL );
    alpc_port_attributes( &attrs, max_message );
    if ((status = NtAlpcCreatePort( &port, &attr, &attrs )))
        fail( "NtAlpcCreatePort(%s) -> %#x", name, (unsigned)status );
    return port;
}

static inline NTSTATUS alpc_connect( HANDLE *port, const char *name, SIZE_T max_message )
{
    ALPC_PORT_ATTRIBUTES attrs;
    LARGE_INTEGER timeout;
    UNICODE_STRING str;
    WCHAR buffer[MAX_PATH];

    make_unicode( &str, buffer, MAX_PATH, name );
    alpc_port_attributes( &attrs, max_message );
    *port = NULL;
    return NtAlpcConnectPort( port, &str, NULL, &attrs, ALPC_SYNC_CONNECTION, NULL, NULL, NULL, NULL, NULL,
                              rel_timeout( &timeout, 30000 ) );
}

/* a synchronous request; returns the reply's data length */
static inline ULONG alpc_request( HANDLE port, union bench_msg *msg, ALPC_MESSAGE_ATTRIBUTES *send_attrs,
                                  union bench_msg *reply )
{
    SIZE_T len = sizeof(*reply);
    NTSTATUS status;

    status = NtAlpcSendWaitReceivePort( port, ALPC_MSGFLG_SYNC_REQUEST, &msg->h, send_attrs, &reply->h, &len,
                                        NULL, NULL );
    if (status) fail( "synchronous request (op %u) -> %#x", (unsigned)MSG_HDR( msg )->op, (unsigned)status );
    if (MSG_TYPE( &reply->h ) != LPC_REPLY)
        fail( "the reply to op %u has type %#x", (unsigned)MSG_HDR( msg )->op, (unsigned)reply->h.u2.s2.Type );
    return (USHORT)reply->h.u1.s1.DataLength;
}

static inline void alpc_datagram( HANDLE port, union bench_msg *msg )
{
    NTSTATUS status = NtAlpcSendWaitReceivePort( port, ALPC_MSGFLG_RELEASE_MESSAGE, &msg->h, NULL, NULL, NULL,
                                                 NULL, NULL );
    if (status) fail( "datagram (op %u) -> %#x", (unsigned)MSG_HDR( msg )->op, (unsigned)status );
}

#endif  /* WINE_LPC_BENCH_H */
