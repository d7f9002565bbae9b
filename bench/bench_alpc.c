/*
 * wine-lpc benchmarks: ALPC round trips, datagrams, 1 MiB through a view or
 * through messages, connection cycles, and a round trip beside 10,000 queued
 * datagrams
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
 * "bench_alpc": the server.  It creates two ALPC connection ports, starts
 * one client process ("bench_alpc client PORT OTHERPORT") and serves the
 * first port from one thread, replying and receiving in one call:
 * NtAlpcSendWaitReceivePort(port, ALPC_MSGFLG_RELEASE_MESSAGE, reply, ...,
 * receive, ...).  The other port is served only as far as accepting one
 * connection: what is sent to it stays queued.  The client runs the
 * scenarios in turn and prints their results.
 */

#include "bench.h"

#define BENCH_MIB    0x100000
#define SMALL_DATA   64
#define DGRAM_BATCH  1000
#define QUEUED_COUNT 10000

#define RT_CALLS "NtAlpcSendWaitReceivePort(ALPC_MSGFLG_SYNC_REQUEST) / reply and receive with ALPC_MSGFLG_RELEASE_MESSAGE"

enum op
{
    OP_ECHO = 1,    /* request: reply with the same data */
    OP_DGRAM,       /* datagram: counted */
    OP_SYNC,        /* request: reply with the number of datagrams since the last OP_SYNC */
    OP_CHUNK,       /* datagram, or request for the last one: a piece of the 1 MiB, copied out */
    OP_VIEW,        /* request with a view attribute: copy the 1 MiB out of the view, delete it */
    OP_FLOOD,       /* request: queue arg datagrams to the sender's connection, then reply */
    OP_DRAIN,       /* request: receive what waits at the other port, reply with how many */
    OP_QUIT,        /* request: the server stops once every connection has closed */
};

/* idle and queued round trips alternate in this many rounds; with 3, one run
 * in twelve came out at 1.56x of idle (the others 0.75-1.12x): a round trip
 * that switches between a 15 and a 25 us regime needs more turns to compare */
#define QUEUED_ROUNDS 6

/* the server's record of a connection; its address is the port context */
struct conn
{
    HANDLE comm;
    ULONG  datagrams;
};

static BYTE *sink;  /* where the server copies the 1 MiB */

union attr_buffer
{
    ALPC_MESSAGE_ATTRIBUTES header;
    BYTE raw[256];
    void *align;
};

/***********************************************************************
 * Server
 */

struct other_port
{
    HANDLE port;
    HANDLE drain, drained, stop;
    ULONG count;        /* messages the last drain took */
};

/* Accepts one connection on the other port, then receives only when told
 * to drain it: until then what is sent there stays queued. */
static DWORD WINAPI other_port_thread( void *arg )
{
    struct other_port *other = arg;
    union bench_msg *msg = malloc( sizeof(*msg) );
    HANDLE comm = NULL, events[2] = { other->stop, other->drain };
    ALPC_PORT_ATTRIBUTES attrs;
    LARGE_INTEGER timeout;
    SIZE_T len = sizeof(*msg);
    NTSTATUS status;

    status = NtAlpcSendWaitReceivePort( other->port, 0, NULL, NULL, &msg->h, &len, NULL,
                                        rel_timeout( &timeout, 60000 ) );
    if (status || MSG_TYPE( &msg->h ) != LPC_CONNECTION_REQUEST)
        fail( "other port: receiving the connection request -> %#x, type %#x", (unsigned)status,
              (unsigned)msg->h.u2.s2.Type );
    alpc_port_attributes( &attrs, BENCH_MAX_MESSAGE );
    status = NtAlpcAcceptConnectPort( &comm, other->port, 0, NULL, &attrs, NULL, &msg->h, NULL, TRUE );
    if (status) fail( "other port: NtAlpcAcceptConnectPort -> %#x", (unsigned)status );

    while (WaitForMultipleObjects( 2, events, FALSE, INFINITE ) == WAIT_OBJECT_0 + 1)
    {
        other->count = 0;
        for (;;)
        {
            len = sizeof(*msg);
            timeout.QuadPart = 0;
            status = NtAlpcSendWaitReceivePort( other->port, 0, NULL, NULL, &msg->h, &len, NULL, &timeout );
            if (status == STATUS_TIMEOUT) break;
            if (status) fail( "other port: draining -> %#x", (unsigned)status );
            other->count++;
        }
        SetEvent( other->drained );
    }
    NtClose( comm );
    free( msg );
    return 0;
}

/* Payloads are copied with "rep movsb", as a native CRT's memcpy would copy
 * them.  Wine 8.0's own memcpy (ucrtbase) moved 1 MiB in about 660 us on
 * these machines, where native memcpy takes 36 us: with it, the copies of the
 * 1 MiB rows measured Wine's C library, not the ports. */
static inline void bulk_copy( void *dst, const void *src, SIZE_T n )
{
    __asm__ volatile( "rep movsb" : "+D"(dst), "+S"(src), "+c"(n) :: "memory" );
}

static void serve_view( ALPC_MESSAGE_ATTRIBUTES *attrs, HANDLE port, union bench_msg *reply )
{
    ALPC_DATA_VIEW_ATTR *view = AlpcGetMessageAttribute( attrs, ALPC_MESSAGE_VIEW_ATTRIBUTE );
    NTSTATUS status;

    if (!(attrs->ValidAttributes & ALPC_MESSAGE_VIEW_ATTRIBUTE) || !view || !view->ViewBase)
        fail( "OP_VIEW without a view attribute (valid %#x)", (unsigned)attrs->ValidAttributes );
    if (view->ViewSize < BENCH_MIB) fail( "the view has %#x bytes", (unsigned)view->ViewSize );
    bulk_copy( sink, view->ViewBase, BENCH_MIB );
    MSG_HDR( reply )->arg = (ULONG)view->ViewSize;
    if ((status = NtAlpcDeleteSectionView( port, 0, view->ViewBase )))
        fail( "NtAlpcDeleteSectionView -> %#x", (unsigned)status );
}

static void flood( struct conn *conn, ULONG count )
{
    union bench_msg *msg = malloc( sizeof(*msg) );
    ULONG i;

    for (i = 0; i < count; i++)
    {
        init_msg( msg, SMALL_DATA, OP_DGRAM );
        MSG_HDR( msg )->seq = i;
        alpc_datagram( conn->comm, msg );
    }
    free( msg );
}

static int run_server(void)
{
    static union bench_msg recv, reply;
    union attr_buffer attr_buffer;
    ALPC_MESSAGE_ATTRIBUTES *attrs = &attr_buffer.header;
    ALPC_CONTEXT_ATTR *context;
    ALPC_PORT_ATTRIBUTES port_attrs;
    struct other_port other;
    char name[MAX_PATH], other_name[MAX_PATH];
    PORT_MESSAGE *pending = NULL;
    HANDLE port, client, thread;
    struct conn *conn;
    unsigned int open = 0;
    BOOL quit = FALSE;
    SIZE_T len, needed = 0;
    ULONG size;
    NTSTATUS status;

    bench_init( "alpc server" );
    if (!(sink = malloc( BENCH_MIB ))) fail( "out of memory" );
    status = AlpcInitializeMessageAttribute( ALPC_MESSAGE_VIEW_ATTRIBUTE | ALPC_MESSAGE_CONTEXT_ATTRIBUTE,
                                             attrs, sizeof(attr_buffer), &needed );
    if (status) fail( "AlpcInitializeMessageAttribute -> %#x (%u bytes)", (unsigned)status, (unsigned)needed );
    context = AlpcGetMessageAttribute( attrs, ALPC_MESSAGE_CONTEXT_ATTRIBUTE );

    snprintf( name, sizeof(name), "\\RPC Control\\wine-lpc-bench-%u", (unsigned)GetCurrentProcessId() );
    snprintf( other_name, sizeof(other_name), "%s-other", name );
    port = alpc_create( name, BENCH_MAX_MESSAGE );
    other.port = alpc_create( other_name, BENCH_MAX_MESSAGE );
    other.stop = CreateEventA( NULL, TRUE, FALSE, NULL );
    other.drain = CreateEventA( NULL, FALSE, FALSE, NULL );
    other.drained = CreateEventA( NULL, FALSE, FALSE, NULL );
    if (!(thread = CreateThread( NULL, 0, other_port_thread, &other, 0, NULL ))) fail( "CreateThread" );
    alpc_port_attributes( &port_attrs, BENCH_MAX_MESSAGE );

    client = start_client( "\"%s\" \"%s\"", name, other_name );

    bench_step = "serving";
    for (;;)
    {
        len = sizeof(recv);
        attrs->ValidAttributes = 0;
        status = NtAlpcSendWaitReceivePort( port, pending ? ALPC_MSGFLG_RELEASE_MESSAGE : 0, pending, NULL,
                                            &recv.h, &len, attrs, NULL );
        if (status) fail( "NtAlpcSendWaitReceivePort(%s) -> %#x", pending ? "reply and receive" : "receive",
                          (unsigned)status );
        pending = NULL;
        conn = (attrs->ValidAttributes & ALPC_MESSAGE_CONTEXT_ATTRIBUTE) ? context->PortContext : NULL;
        size = (USHORT)recv.h.u1.s1.DataLength;

        switch (MSG_TYPE( &recv.h ))
        {
        case LPC_CONNECTION_REQUEST:
            if (!(conn = calloc( 1, sizeof(*conn) ))) fail( "out of memory" );
            status = NtAlpcAcceptConnectPort( &conn->comm, port, 0, NULL, &port_attrs, conn, &recv.h, NULL, TRUE );
            if (status) fail( "NtAlpcAcceptConnectPort -> %#x", (unsigned)status );
            open++;
            break;

        case LPC_PORT_CLOSED:
        case LPC_CLIENT_DIED:
            if (!conn) fail( "LPC_PORT_CLOSED without a port context" );
            NtClose( conn->comm );
            free( conn );
            open--;
            break;

        case LPC_DATAGRAM:
            if (!conn) fail( "a datagram without a port context" );
            conn->datagrams++;
            if (MSG_HDR( &recv )->op == OP_CHUNK)
            {
                if (MSG_HDR( &recv )->offset + size - sizeof(struct bench_hdr) > BENCH_MIB) fail( "bad chunk" );
                bulk_copy( sink + MSG_HDR( &recv )->offset, MSG_DATA( &recv ) + sizeof(struct bench_hdr),
                           size - sizeof(struct bench_hdr) );
            }
            break;

        case LPC_REQUEST:
            if (!conn) fail( "a request without a port context" );
            init_reply( &reply, &recv, sizeof(struct bench_hdr) );
            *MSG_HDR( &reply ) = *MSG_HDR( &recv );
            switch (MSG_HDR( &recv )->op)
            {
            case OP_ECHO:
                init_reply( &reply, &recv, size );
                bulk_copy( MSG_DATA( &reply ), MSG_DATA( &recv ), size );
                break;
            case OP_SYNC:
                MSG_HDR( &reply )->arg = conn->datagrams;
                conn->datagrams = 0;
                break;
            case OP_CHUNK:
                if (MSG_HDR( &recv )->offset + size - sizeof(struct bench_hdr) > BENCH_MIB) fail( "bad chunk" );
                bulk_copy( sink + MSG_HDR( &recv )->offset, MSG_DATA( &recv ) + sizeof(struct bench_hdr),
                           size - sizeof(struct bench_hdr) );
                MSG_HDR( &reply )->arg = conn->datagrams;
                conn->datagrams = 0;
                break;
            case OP_VIEW:
                serve_view( attrs, port, &reply );
                break;
            case OP_FLOOD:
                flood( conn, MSG_HDR( &recv )->arg );
                break;
            case OP_DRAIN:
                SetEvent( other.drain );
                if (WaitForSingleObject( other.drained, 30000 )) fail( "draining the other port takes too long" );
                MSG_HDR( &reply )->arg = other.count;
                break;
            case OP_QUIT:
                quit = TRUE;
                break;
            default:
                fail( "unknown request %u", (unsigned)MSG_HDR( &recv )->op );
            }
            pending = &reply.h;
            break;

        default:
            fail( "unexpected message type %#x", (unsigned)recv.h.u2.s2.Type );
        }
        if (quit && !open && !pending) break;
    }

    SetEvent( other.stop );
    WaitForSingleObject( thread, 10000 );
    NtClose( other.port );
    NtClose( port );
    finish_client( client, 30000 );
    return 0;
}

/***********************************************************************
 * Client
 */

struct rt_ctx
{
    HANDLE port;
    ULONG size;
    union bench_msg *msg, *reply;
};

static void rt_op( void *arg )
{
    struct rt_ctx *c = arg;

    init_msg( c->msg, c->size, OP_ECHO );
    MSG_HDR( c->msg )->seq++;
    if (alpc_request( c->port, c->msg, NULL, c->reply ) != c->size ||
        MSG_HDR( c->reply )->seq != MSG_HDR( c->msg )->seq)
        fail( "the echo of %u bytes came back wrong (%u bytes)", (unsigned)c->size,
              (unsigned)(USHORT)c->reply->h.u1.s1.DataLength );
}

static void measure_rt( struct samples *s, HANDLE port, ULONG size, union bench_msg *msg, union bench_msg *reply )
{
    struct rt_ctx c = { port, size, msg, reply };

    memset( MSG_DATA( msg ), 0x5a, size );
    measure( s, rt_op, &c, 200, budget_ms() );
}

struct dgram_ctx
{
    HANDLE port;
    union bench_msg *msg, *reply;
};

/* a batch of datagrams, then a synchronous request, which the server takes after them */
static void dgram_op( void *arg )
{
    struct dgram_ctx *c = arg;
    ULONG i;

    for (i = 0; i < DGRAM_BATCH; i++)
    {
        init_msg( c->msg, SMALL_DATA, OP_DGRAM );
        MSG_HDR( c->msg )->seq = i;
        alpc_datagram( c->port, c->msg );
    }
    init_msg( c->msg, sizeof(struct bench_hdr), OP_SYNC );
    alpc_request( c->port, c->msg, NULL, c->reply );
    if (MSG_HDR( c->reply )->arg != DGRAM_BATCH)
        fail( "the server counted %u of %u datagrams", (unsigned)MSG_HDR( c->reply )->arg, DGRAM_BATCH );
}

struct bulk_ctx
{
    HANDLE port;
    const BYTE *source;
    void *view_base;
    ALPC_MESSAGE_ATTRIBUTES *view_attrs;
    ULONG chunk;    /* payload per message */
    ULONG chunks;
    union bench_msg *msg, *reply;
};

/* 1 MiB copied into messages of the port's maximum length */
static void copy_op( void *arg )
{
    struct bulk_ctx *c = arg;
    ULONG offset, n, count = 0;

    for (offset = 0; offset < BENCH_MIB; offset += n, count++)
    {
        n = min( c->chunk, BENCH_MIB - offset );
        init_msg( c->msg, sizeof(struct bench_hdr) + n, OP_CHUNK );
        MSG_HDR( c->msg )->offset = offset;
        bulk_copy( MSG_DATA( c->msg ) + sizeof(struct bench_hdr), c->source + offset, n );
        if (offset + n < BENCH_MIB) alpc_datagram( c->port, c->msg );
        else if (alpc_request( c->port, c->msg, NULL, c->reply ) != sizeof(struct bench_hdr) ||
                 MSG_HDR( c->reply )->arg != count)
            fail( "the server got %u of %u chunks", (unsigned)MSG_HDR( c->reply )->arg, (unsigned)count + 1 );
    }
    c->chunks = count;
}

/* 1 MiB written into the view, sent with a view attribute */
static void view_op( void *arg )
{
    struct bulk_ctx *c = arg;

    bulk_copy( c->view_base, c->source, BENCH_MIB );
    init_msg( c->msg, sizeof(struct bench_hdr), OP_VIEW );
    if (alpc_request( c->port, c->msg, c->view_attrs, c->reply ) != sizeof(struct bench_hdr) ||
        MSG_HDR( c->reply )->arg < BENCH_MIB)
        fail( "the server did not get the view (%#x bytes)", (unsigned)MSG_HDR( c->reply )->arg );
}

static const char *conn_name;

static void connect_op( void *arg )
{
    HANDLE port;
    NTSTATUS status;

    (void)arg;
    if ((status = alpc_connect( &port, conn_name, BENCH_MAX_MESSAGE )))
        fail( "NtAlpcConnectPort -> %#x", (unsigned)status );
    if ((status = NtAlpcDisconnectPort( port, 0 ))) fail( "NtAlpcDisconnectPort -> %#x", (unsigned)status );
    if ((status = NtClose( port ))) fail( "NtClose(port) -> %#x", (unsigned)status );
}

static HANDLE connect_or_fail( const char *name )
{
    HANDLE port;
    NTSTATUS status;

    if ((status = alpc_connect( &port, name, BENCH_MAX_MESSAGE )))
        fail( "NtAlpcConnectPort(%s) -> %#x", name, (unsigned)status );
    return port;
}

static void run_bulk( HANDLE port, union bench_msg *msg, union bench_msg *reply )
{
    union attr_buffer view_buffer;
    ALPC_DATA_VIEW_ATTR view, *view_attr;
    ALPC_HANDLE section = NULL;
    struct bulk_ctx c;
    struct samples s;
    struct extra extra;
    SIZE_T actual = 0, needed = 0, i;
    BYTE *source;
    NTSTATUS status;
    double copy_median;

    if (!(source = malloc( BENCH_MIB ))) fail( "out of memory" );
    for (i = 0; i < BENCH_MIB; i++) source[i] = (BYTE)(i * 131 + 7);
    memset( &c, 0, sizeof(c) );
    c.port = port;
    c.source = source;
    c.msg = msg;
    c.reply = reply;
    c.chunk = BENCH_MAX_MESSAGE - HDR_SIZE - sizeof(struct bench_hdr);
    samples_init( &s, 20000 );

    bench_step = "1 MiB through messages";
    measure( &s, copy_op, &c, 20, budget_ms() );
    memset( &extra, 0, sizeof(extra) );
    extra_add( &extra, "\"chunks\": %u, \"chunk_payload\": %u, \"mode\": \"datagrams, the last one a synchronous request\"",
               (unsigned)c.chunks, (unsigned)c.chunk );
    qsort( s.v, s.count, sizeof(*s.v), cmp_double );
    copy_median = percentile( s.v, s.count, 50 );
    report_rate( "alpc_1mib_copy", "ALPC 1 MiB through messages", "MB/s", BENCH_MIB, &s,
                 s.count, &extra );

    bench_step = "1 MiB through a view";
    if ((status = NtAlpcCreatePortSection( port, 0, NULL, BENCH_MIB, &section, &actual )))
        fail( "NtAlpcCreatePortSection -> %#x", (unsigned)status );
    memset( &view, 0, sizeof(view) );
    view.SectionHandle = section;
    view.ViewSize = BENCH_MIB;
    if ((status = NtAlpcCreateSectionView( port, 0, &view )) || !view.ViewBase)
        fail( "NtAlpcCreateSectionView -> %#x", (unsigned)status );
    if ((status = AlpcInitializeMessageAttribute( ALPC_MESSAGE_VIEW_ATTRIBUTE, &view_buffer.header,
                                                  sizeof(view_buffer), &needed )))
        fail( "AlpcInitializeMessageAttribute -> %#x", (unsigned)status );
    view_attr = AlpcGetMessageAttribute( &view_buffer.header, ALPC_MESSAGE_VIEW_ATTRIBUTE );
    *view_attr = view;
    view_buffer.header.ValidAttributes = ALPC_MESSAGE_VIEW_ATTRIBUTE;
    c.view_base = view.ViewBase;
    c.view_attrs = &view_buffer.header;
    measure( &s, view_op, &c, 20, budget_ms() );
    qsort( s.v, s.count, sizeof(*s.v), cmp_double );
    memset( &extra, 0, sizeof(extra) );
    extra_add( &extra, "\"speedup_vs_copy\": %.3f, \"setup\": \"one port section and view, made once; "
               "the server maps, copies out and deletes its view each time\"",
               copy_median / percentile( s.v, s.count, 50 ) );
    report_rate( "alpc_1mib_view", "ALPC 1 MiB through a view", "MB/s", BENCH_MIB, &s, s.count, &extra );

    NtAlpcDeleteSectionView( port, 0, view.ViewBase );
    NtAlpcDeletePortSection( port, 0, section );
    free( s.v );
    free( source );
}

static void report_queued( const char *id, const char *scenario, const char *where, struct samples *idle,
                           struct samples *loaded )
{
    struct extra extra;
    double idle_median;

    qsort( idle->v, idle->count, sizeof(*idle->v), cmp_double );
    idle_median = percentile( idle->v, idle->count, 50 );
    qsort( loaded->v, loaded->count, sizeof(*loaded->v), cmp_double );
    memset( &extra, 0, sizeof(extra) );
    extra_add( &extra, "\"queued\": %u, \"queued_where\": \"%s\", \"rounds\": %u, \"idle_median\": %.3f, "
               "\"idle_p99\": %.3f, \"idle_iterations\": %u, \"ratio_vs_idle\": %.3f", QUEUED_COUNT, where,
               QUEUED_ROUNDS, idle_median, percentile( idle->v, idle->count, 99 ), idle->count,
               percentile( loaded->v, loaded->count, 50 ) / idle_median );
    report_latency( id, scenario, loaded, &extra );
}

static void send_datagrams( HANDLE port, union bench_msg *msg, ULONG count )
{
    ULONG i;

    for (i = 0; i < count; i++)
    {
        init_msg( msg, SMALL_DATA, OP_DGRAM );
        MSG_HDR( msg )->seq = i;
        alpc_datagram( port, msg );
    }
}

/* takes what the server queued at a client port */
static ULONG drain_port( HANDLE port, union bench_msg *msg )
{
    LARGE_INTEGER timeout;
    SIZE_T len;
    NTSTATUS status;
    ULONG count = 0;

    for (;;)
    {
        len = sizeof(*msg);
        timeout.QuadPart = 0;
        status = NtAlpcSendWaitReceivePort( port, 0, NULL, NULL, &msg->h, &len, NULL, &timeout );
        if (status == STATUS_TIMEOUT) return count;
        if (status) fail( "draining a client port -> %#x", (unsigned)status );
        count++;
    }
}

/* Idle round trips and round trips beside 10,000 queued datagrams take
 * turns, so that both see the same drift of the machine. */
static void run_queued( HANDLE port, const char *name, const char *other_name, union bench_msg *msg,
                        union bench_msg *reply )
{
    struct rt_ctx c = { port, SMALL_DATA, msg, reply };
    struct samples idle, loaded;
    double block = budget_ms() / QUEUED_ROUNDS;
    unsigned int round;
    HANDLE other;
    ULONG n;

    samples_init( &idle, 200000 );
    samples_init( &loaded, 200000 );
    memset( MSG_DATA( msg ), 0x5a, SMALL_DATA );

    /* 10,000 datagrams from this process wait at another server port, which nobody reads */
    bench_step = "queued: connecting to the other server port";
    other = connect_or_fail( other_name );
    for (round = 0; round < QUEUED_ROUNDS; round++)
    {
        bench_step = "queued: idle round trips";
        measure_more( &idle, rt_op, &c, 100, block, 50 );
        bench_step = "queued: 10,000 datagrams to the other server port";
        send_datagrams( other, msg, QUEUED_COUNT );
        bench_step = "queued: round trips beside them";
        measure_more( &loaded, rt_op, &c, 100, block, 50 );
        bench_step = "queued: draining the other server port";
        init_msg( msg, sizeof(struct bench_hdr), OP_DRAIN );
        alpc_request( port, msg, NULL, reply );
        if ((n = MSG_HDR( reply )->arg) != QUEUED_COUNT) fail( "the other port held %u datagrams", (unsigned)n );
    }
    report_queued( "alpc_rt_queued_other_port", "ALPC RT, 10k datagrams queued at another port",
                   "another connection port of the same server process: the client's datagrams, not received",
                   &idle, &loaded );
    NtAlpcDisconnectPort( other, 0 );
    NtClose( other );

    /* the server queues 10,000 datagrams to another connection of this port */
    idle.count = loaded.count = 0;
    bench_step = "queued: a second connection";
    other = connect_or_fail( name );
    for (round = 0; round < QUEUED_ROUNDS; round++)
    {
        bench_step = "queued: idle round trips (2)";
        measure_more( &idle, rt_op, &c, 100, block, 50 );
        bench_step = "queued: the server queues 10,000 datagrams to the second connection";
        init_msg( msg, sizeof(struct bench_hdr), OP_FLOOD );
        MSG_HDR( msg )->arg = QUEUED_COUNT;
        alpc_request( other, msg, NULL, reply );
        bench_step = "queued: round trips beside them (2)";
        measure_more( &loaded, rt_op, &c, 100, block, 50 );
        bench_step = "queued: draining the second connection";
        if ((n = drain_port( other, msg )) != QUEUED_COUNT) fail( "the second connection held %u datagrams", (unsigned)n );
    }
    report_queued( "alpc_rt_queued_same_port", "ALPC RT, 10k datagrams queued on another conn.",
                   "another connection of the same server port: the server's datagrams, queued at that client's port",
                   &idle, &loaded );
    NtAlpcDisconnectPort( other, 0 );
    NtClose( other );
    free( idle.v );
    free( loaded.v );
}

static int run_client( const char *name, const char *other_name )
{
    union bench_msg *msg = malloc( sizeof(*msg) ), *reply = malloc( sizeof(*reply) );
    struct dgram_ctx dc;
    struct samples s;
    struct extra extra;
    char label[128], rt_only[128] = "";
    HANDLE port;
    ULONG max_data = BENCH_MAX_MESSAGE - HDR_SIZE;

    bench_init( "alpc client" );
    /* A/B runs: BENCH_RT_ONLY=1 stops after the 64-byte round trip, BENCH_RT_ONLY=max after the largest */
    if (!GetEnvironmentVariableA( "BENCH_RT_ONLY", rt_only, sizeof(rt_only) )) rt_only[0] = 0;
    if (!msg || !reply) fail( "out of memory" );
    memset( msg, 0, sizeof(*msg) );
    samples_init( &s, 200000 );
    bench_step = "connecting";
    port = connect_or_fail( name );

    bench_step = "round trip, 64 bytes";
    measure_rt( &s, port, SMALL_DATA, msg, reply );
    memset( &extra, 0, sizeof(extra) );
    extra_add( &extra, "\"data_bytes\": %u, \"calls\": \"%s\"", SMALL_DATA, RT_CALLS );
    report_latency( "alpc_rt_64", "ALPC round trip, 64 B", &s, &extra );
    if (rt_only[0] && strcmp( rt_only, "max" )) goto quit;

    bench_step = "round trip, largest message";
    measure_rt( &s, port, max_data, msg, reply );
    memset( &extra, 0, sizeof(extra) );
    extra_add( &extra, "\"data_bytes\": %u, \"max_message_length\": %u, \"calls\": \"%s\"", (unsigned)max_data,
               BENCH_MAX_MESSAGE, RT_CALLS );
    snprintf( label, sizeof(label), "ALPC round trip, %u B (max message)", (unsigned)max_data );
    report_latency( "alpc_rt_max", label, &s, &extra );
    if (rt_only[0]) goto quit;

    bench_step = "datagrams";
    dc.port = port;
    dc.msg = msg;
    dc.reply = reply;
    measure( &s, dgram_op, &dc, 10, budget_ms() );
    memset( &extra, 0, sizeof(extra) );
    extra_add( &extra, "\"batch\": %u, \"data_bytes\": %u, \"note\": \"iterations are batches of %u datagrams "
               "(ALPC_MSGFLG_RELEASE_MESSAGE), each closed by a synchronous request\"",
               DGRAM_BATCH, SMALL_DATA, DGRAM_BATCH );
    report_rate( "alpc_dgram", "ALPC datagrams, 64 B", "msg/s", DGRAM_BATCH, &s, s.count, &extra );

    run_bulk( port, msg, reply );

    bench_step = "connect, accept, disconnect";
    conn_name = name;
    measure( &s, connect_op, NULL, 100, budget_ms() );
    memset( &extra, 0, sizeof(extra) );
    extra_add( &extra, "\"cycle\": \"NtAlpcConnectPort (sync) + server NtAlpcAcceptConnectPort + "
               "NtAlpcDisconnectPort + NtClose\"" );
    report_latency( "alpc_connect_cycle", "ALPC connect + accept + disconnect", &s, &extra );

    run_queued( port, name, other_name, msg, reply );

quit:
    bench_step = "quit";
    init_msg( msg, sizeof(struct bench_hdr), OP_QUIT );
    alpc_request( port, msg, NULL, reply );
    NtAlpcDisconnectPort( port, 0 );
    NtClose( port );
    free( s.v );
    return 0;
}

int main( int argc, char **argv )
{
    if (argc == 4 && !strcmp( argv[1], "client" )) return run_client( argv[2], argv[3] );
    if (argc != 1)
    {
        fprintf( stderr, "usage: %s\n", argv[0] );
        return 2;
    }
    return run_server();
}
