/*
 * wine-lpc benchmarks: 16 client processes against one ALPC server process
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
 * "bench_many THREADS": the server.  It creates an ALPC port, starts THREADS
 * threads that each reply and receive on it in one call, and 16 client
 * processes ("bench_many client PORT EVENT N").  Once every client is
 * connected it sets an event; each client then sends 64-byte synchronous
 * requests back to back.  After a warm-up the server counts, for a fixed
 * window, the requests it answers: per client (fairness) and per slice of
 * the window (throughput over time).  Past the window each reply says stop.
 */

#include "bench.h"

#define CLIENTS     16
#define SMALL_DATA  64
#define SLICES      30
#define MAX_THREADS 8
#define WARMUP_MS   300

enum op { OP_HELLO = 1, OP_CALL, OP_STOP };

struct client
{
    HANDLE process;
    HANDLE comm;
    volatile LONG calls;    /* answered inside the window */
    BOOL connected;
};

static struct client clients[CLIENTS];
static HANDLE port;
static volatile LONG accepted, closed, stopping;
static volatile LONG slices[SLICES];
static volatile LONGLONG window_start = 0x7fffffffffffffffLL, window_end = 0x7fffffffffffffffLL;
static LONGLONG slice_ticks = 1;

union attr_buffer
{
    ALPC_MESSAGE_ATTRIBUTES header;
    BYTE raw[128];
    void *align;
};

static DWORD WINAPI serve_thread( void *arg )
{
    union bench_msg *recv = malloc( sizeof(*recv) ), *reply = malloc( sizeof(*reply) );
    union attr_buffer attr_buffer;
    ALPC_MESSAGE_ATTRIBUTES *attrs = &attr_buffer.header;
    ALPC_CONTEXT_ATTR *context;
    ALPC_PORT_ATTRIBUTES port_attrs;
    PORT_MESSAGE *pending = NULL;
    struct client *client;
    SIZE_T len, needed;
    NTSTATUS status;
    LONGLONG now;
    ULONG index;

    (void)arg;
    if (!recv || !reply) fail( "out of memory" );
    if ((status = AlpcInitializeMessageAttribute( ALPC_MESSAGE_CONTEXT_ATTRIBUTE, attrs, sizeof(attr_buffer),
                                                  &needed )))
        fail( "AlpcInitializeMessageAttribute -> %#x", (unsigned)status );
    context = AlpcGetMessageAttribute( attrs, ALPC_MESSAGE_CONTEXT_ATTRIBUTE );
    alpc_port_attributes( &port_attrs, 0x1000 );

    for (;;)
    {
        len = sizeof(*recv);
        attrs->ValidAttributes = 0;
        status = NtAlpcSendWaitReceivePort( port, pending ? ALPC_MSGFLG_RELEASE_MESSAGE : 0, pending, NULL,
                                            &recv->h, &len, attrs, NULL );
        if (status && stopping) break;  /* the port is closed under the receivers */
        if (status) fail( "NtAlpcSendWaitReceivePort -> %#x", (unsigned)status );
        pending = NULL;
        client = (attrs->ValidAttributes & ALPC_MESSAGE_CONTEXT_ATTRIBUTE) ? context->PortContext : NULL;

        switch (MSG_TYPE( &recv->h ))
        {
        case LPC_CONNECTION_REQUEST:
            index = MSG_HDR( recv )->seq;
            if ((USHORT)recv->h.u1.s1.DataLength < sizeof(struct bench_hdr) || MSG_HDR( recv )->op != OP_HELLO ||
                index >= CLIENTS || clients[index].connected)
                fail( "a connection request that is none of the clients'" );
            client = &clients[index];
            init_reply( reply, recv, sizeof(struct bench_hdr) );
            *MSG_HDR( reply ) = *MSG_HDR( recv );
            if ((status = NtAlpcAcceptConnectPort( &client->comm, port, 0, NULL, &port_attrs, client, &reply->h,
                                                   NULL, TRUE )))
                fail( "NtAlpcAcceptConnectPort -> %#x", (unsigned)status );
            client->connected = TRUE;
            InterlockedIncrement( &accepted );
            break;

        case LPC_REQUEST:
            if (!client) fail( "a request without a port context" );
            now = ticks();
            init_reply( reply, recv, SMALL_DATA );
            memcpy( MSG_DATA( reply ), MSG_DATA( recv ), SMALL_DATA );
            if (now >= window_end) MSG_HDR( reply )->op = OP_STOP;
            else if (now >= window_start)
            {
                LONGLONG slice = (now - window_start) / slice_ticks;
                InterlockedIncrement( &client->calls );
                if (slice < SLICES) InterlockedIncrement( &slices[slice] );
            }
            pending = &reply->h;
            break;

        case LPC_PORT_CLOSED:
        case LPC_CLIENT_DIED:
            if (!client) fail( "LPC_PORT_CLOSED without a port context" );
            NtClose( client->comm );
            InterlockedIncrement( &closed );
            break;

        default:
            fail( "unexpected message type %#x", (unsigned)recv->h.u2.s2.Type );
        }
    }
    return 0;
}

static void wait_count( volatile LONG *count, LONG target, DWORD ms, const char *what )
{
    DWORD start = GetTickCount();

    while (*count < target)
    {
        if (GetTickCount() - start > ms) fail( "%s: %d of %d after %u ms", what, (int)*count, (int)target, (unsigned)ms );
        Sleep( 5 );
    }
}

static int run_server( unsigned int threads )
{
    char name[MAX_PATH], event_name[MAX_PATH], id[64], label[128], per_client[CLIENTS * 12];
    struct samples s;
    struct extra extra;
    HANDLE go;
    double window_ms = budget_ms(), seconds, jain_num = 0, jain_den = 0;
    LONG total = 0, lo, hi;
    unsigned int i, len;

    bench_init( "many server" );
    snprintf( name, sizeof(name), "\\RPC Control\\wine-lpc-bench-many-%u", (unsigned)GetCurrentProcessId() );
    snprintf( event_name, sizeof(event_name), "wine-lpc-bench-go-%u", (unsigned)GetCurrentProcessId() );
    port = alpc_create( name, 0x1000 );
    if (!(go = CreateEventA( NULL, TRUE, FALSE, event_name ))) fail( "CreateEvent, error %u", (unsigned)GetLastError() );
    for (i = 0; i < threads; i++)
    {
        HANDLE thread = CreateThread( NULL, 0, serve_thread, NULL, 0, NULL );
        if (!thread) fail( "CreateThread, error %u", (unsigned)GetLastError() );
        CloseHandle( thread );
    }

    bench_step = "starting the clients";
    for (i = 0; i < CLIENTS; i++) clients[i].process = start_client( "\"%s\" %s %u", name, event_name, i );
    wait_count( &accepted, CLIENTS, 60000, "connected clients" );

    bench_step = "the window";
    slice_ticks = ms_to_ticks( window_ms / SLICES );
    window_end = ticks() + ms_to_ticks( WARMUP_MS ) + slice_ticks * SLICES;
    window_start = window_end - slice_ticks * SLICES;
    SetEvent( go );
    for (i = 0; i < CLIENTS; i++) finish_client( clients[i].process, 60000 );
    wait_count( &closed, CLIENTS, 10000, "closed connections" );

    seconds = ticks_to_us( slice_ticks * SLICES ) / 1e6;
    lo = hi = clients[0].calls;
    for (i = 0; i < CLIENTS; i++)
    {
        LONG n = clients[i].calls;
        total += n;
        lo = min( lo, n );
        hi = max( hi, n );
        jain_num += n;
        jain_den += (double)n * n;
    }
    if (!total) fail( "no call was answered inside the window" );

    /* one sample per slice: its length per call, so that report_rate gives calls/s */
    samples_init( &s, SLICES );
    for (i = 0; i < SLICES; i++)
        s.v[s.count++] = slices[i] ? ticks_to_us( slice_ticks ) / slices[i] : 1e12;  /* none: a rate of ~0 */
    for (i = 0, len = 0; i < CLIENTS; i++)
        len += snprintf( per_client + len, sizeof(per_client) - len, "%s%d", i ? ", " : "", (int)clients[i].calls );
    memset( &extra, 0, sizeof(extra) );
    extra_add( &extra, "\"clients\": %u, \"server_threads\": %u, \"window_s\": %.3f, \"calls\": %d, "
               "\"total_calls_per_s\": %.1f, \"per_client_min\": %d, \"per_client_max\": %d, "
               "\"fairness_min_max\": %.3f, \"jain_index\": %.4f, \"per_client\": [%s]",
               CLIENTS, threads, seconds, (int)total, total / seconds, (int)lo, (int)hi,
               hi ? (double)lo / hi : 0.0, jain_num * jain_num / (CLIENTS * jain_den), per_client );
    snprintf( id, sizeof(id), "alpc_16_clients_%u_thread%s", threads, threads > 1 ? "s" : "" );
    snprintf( label, sizeof(label), "ALPC 16 clients, %u server thread%s", threads, threads > 1 ? "s" : "" );
    report_rate( id, label, "calls/s", 1, &s, (unsigned)total, &extra );
    InterlockedExchange( &stopping, 1 );
    NtClose( port );
    return 0;
}

static int run_client( const char *name, const char *event_name, ULONG index )
{
    union bench_msg *msg = malloc( sizeof(*msg) ), *reply = malloc( sizeof(*reply) );
    ALPC_PORT_ATTRIBUTES attrs;
    LARGE_INTEGER timeout;
    UNICODE_STRING str;
    WCHAR buffer[MAX_PATH];
    SIZE_T len;
    HANDLE client_port = NULL, go;
    NTSTATUS status;
    ULONG seq = 0;

    bench_init( "many client" );
    if (!msg || !reply) fail( "out of memory" );
    if (!(go = OpenEventA( SYNCHRONIZE, FALSE, event_name ))) fail( "OpenEvent, error %u", (unsigned)GetLastError() );

    bench_step = "connecting";
    make_unicode( &str, buffer, MAX_PATH, name );
    alpc_port_attributes( &attrs, 0x1000 );
    init_msg( msg, sizeof(struct bench_hdr), OP_HELLO );
    MSG_HDR( msg )->seq = index;
    len = sizeof(*msg);
    if ((status = NtAlpcConnectPort( &client_port, &str, NULL, &attrs, ALPC_SYNC_CONNECTION, NULL, &msg->h, &len,
                                     NULL, NULL, rel_timeout( &timeout, 60000 ) )))
        fail( "NtAlpcConnectPort -> %#x", (unsigned)status );

    bench_step = "waiting for go";
    if (WaitForSingleObject( go, 60000 )) fail( "no go from the server" );
    bench_step = "calls";
    for (;;)
    {
        init_msg( msg, SMALL_DATA, OP_CALL );
        MSG_HDR( msg )->seq = ++seq;
        if (alpc_request( client_port, msg, NULL, reply ) != SMALL_DATA || MSG_HDR( reply )->seq != seq)
            fail( "a wrong reply" );
        if (MSG_HDR( reply )->op == OP_STOP) break;
    }
    NtAlpcDisconnectPort( client_port, 0 );
    NtClose( client_port );
    return 0;
}

int main( int argc, char **argv )
{
    unsigned int threads;

    if (argc == 5 && !strcmp( argv[1], "client" )) return run_client( argv[2], argv[3], strtoul( argv[4], NULL, 10 ) );
    if (argc == 2 && (threads = strtoul( argv[1], NULL, 10 )) >= 1 && threads <= MAX_THREADS) return run_server( threads );
    fprintf( stderr, "usage: %s THREADS (1 to %u)\n", argv[0], MAX_THREADS );
    return 2;
}
