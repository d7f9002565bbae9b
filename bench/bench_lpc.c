/*
 * wine-lpc benchmarks: legacy LPC round trips
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
 * "bench_lpc": the server.  It creates an LPC port with the largest
 * MaxMessageLength NtCreatePort takes on x64 (0x288, header included),
 * starts a client process ("bench_lpc client PORT") and answers each request
 * with the same data, replying and receiving in one NtReplyWaitReceivePort
 * call.  The client times NtRequestWaitReplyPort with 64 bytes of data and
 * with the most the port allows.
 */

#include "bench.h"

#define LPC_MAX_MESSAGE 0x288
#define LPC_MAX_INFO    0x100
#define SMALL_DATA      64

/* room for the port's longest message, as on Windows */
union lpc_msg
{
    PORT_MESSAGE h;
    BYTE raw[LPC_MAX_MESSAGE];
};

#define LPC_DATA(m) ((m)->raw + sizeof(PORT_MESSAGE))

static int run_server(void)
{
    static union lpc_msg recv, reply;
    char name[MAX_PATH];
    WCHAR buffer[MAX_PATH];
    UNICODE_STRING str;
    OBJECT_ATTRIBUTES attr;
    PORT_MESSAGE *pending = NULL;
    HANDLE port = NULL, comm = NULL, client;
    NTSTATUS status;
    void *context;
    USHORT size;
    BOOL done = FALSE;

    bench_init( "lpc server" );
    snprintf( name, sizeof(name), "\\RPC Control\\wine-lpc-bench-lpc-%u", (unsigned)GetCurrentProcessId() );
    make_unicode( &str, buffer, MAX_PATH, name );
    InitializeObjectAttributes( &attr, &str, 0, NULL, NULL );
    if ((status = NtCreatePort( &port, &attr, LPC_MAX_INFO, LPC_MAX_MESSAGE, 0 )))
        fail( "NtCreatePort(%s) -> %#x", name, (unsigned)status );

    client = start_client( "\"%s\"", name );
    bench_step = "serving";
    while (!done)
    {
        status = NtReplyWaitReceivePort( port, &context, pending, &recv.h );
        if (status) fail( "NtReplyWaitReceivePort -> %#x", (unsigned)status );
        pending = NULL;
        size = (USHORT)recv.h.u1.s1.DataLength;
        switch (MSG_TYPE( &recv.h ))
        {
        case LPC_CONNECTION_REQUEST:
            if (comm) fail( "a second connection" );
            if ((status = NtAcceptConnectPort( &comm, NULL, &recv.h, TRUE, NULL, NULL )))
                fail( "NtAcceptConnectPort -> %#x", (unsigned)status );
            if ((status = NtCompleteConnectPort( comm ))) fail( "NtCompleteConnectPort -> %#x", (unsigned)status );
            break;
        case LPC_REQUEST:
            /* the reply keeps the request's ClientId and MessageId */
            memcpy( &reply.h, &recv.h, sizeof(reply.h) );
            reply.h.u2.ZeroInit = 0;
            memcpy( LPC_DATA( &reply ), LPC_DATA( &recv ), size );
            pending = &reply.h;
            break;
        case LPC_PORT_CLOSED:
        case LPC_CLIENT_DIED:
            done = TRUE;
            break;
        default:
            fail( "unexpected message type %#x", (unsigned)recv.h.u2.s2.Type );
        }
    }
    NtClose( comm );
    NtClose( port );
    finish_client( client, 30000 );
    return 0;
}

struct rt_ctx
{
    HANDLE port;
    USHORT size;
    ULONG seq;
    union lpc_msg *msg, *reply;
};

static void rt_op( void *arg )
{
    struct rt_ctx *c = arg;
    NTSTATUS status;

    memset( &c->msg->h, 0, sizeof(c->msg->h) );
    c->msg->h.u1.s1.DataLength = c->size;
    c->msg->h.u1.s1.TotalLength = sizeof(PORT_MESSAGE) + c->size;
    *(ULONG *)LPC_DATA( c->msg ) = ++c->seq;
    if ((status = NtRequestWaitReplyPort( c->port, &c->msg->h, &c->reply->h )))
        fail( "NtRequestWaitReplyPort(%u bytes) -> %#x", c->size, (unsigned)status );
    if (MSG_TYPE( &c->reply->h ) != LPC_REPLY || (USHORT)c->reply->h.u1.s1.DataLength != c->size ||
        *(ULONG *)LPC_DATA( c->reply ) != c->seq)
        fail( "the reply to %u bytes has type %#x and %u bytes", c->size, (unsigned)c->reply->h.u2.s2.Type,
              (unsigned)(USHORT)c->reply->h.u1.s1.DataLength );
}

static int run_client( const char *name )
{
    static union lpc_msg msg, reply;
    SECURITY_QUALITY_OF_SERVICE qos;
    WCHAR buffer[MAX_PATH];
    UNICODE_STRING str;
    struct rt_ctx c;
    struct samples s;
    struct extra extra;
    char label[128];
    ULONG max_len = 0;
    NTSTATUS status;

    bench_init( "lpc client" );
    make_unicode( &str, buffer, MAX_PATH, name );
    memset( &qos, 0, sizeof(qos) );
    qos.Length = sizeof(qos);
    qos.ImpersonationLevel = SecurityImpersonation;
    qos.ContextTrackingMode = SECURITY_STATIC_TRACKING;
    bench_step = "connecting";
    memset( &c, 0, sizeof(c) );
    if ((status = NtConnectPort( &c.port, &str, &qos, NULL, NULL, &max_len, NULL, NULL )))
        fail( "NtConnectPort -> %#x", (unsigned)status );
    if (max_len != LPC_MAX_MESSAGE) fail( "MaxMessageLength %#x, expected %#x", (unsigned)max_len, LPC_MAX_MESSAGE );
    c.msg = &msg;
    c.reply = &reply;
    samples_init( &s, 200000 );

    bench_step = "round trip, 64 bytes";
    c.size = SMALL_DATA;
    measure( &s, rt_op, &c, 200, budget_ms() );
    memset( &extra, 0, sizeof(extra) );
    extra_add( &extra, "\"data_bytes\": %u, \"calls\": \"NtRequestWaitReplyPort / NtReplyWaitReceivePort\"", c.size );
    report_latency( "lpc_rt_64", "LPC round trip, 64 B", &s, &extra );

    bench_step = "round trip, largest message";
    c.size = max_len - sizeof(PORT_MESSAGE);
    measure( &s, rt_op, &c, 200, budget_ms() );
    memset( &extra, 0, sizeof(extra) );
    extra_add( &extra, "\"data_bytes\": %u, \"max_message_length\": %u, "
               "\"calls\": \"NtRequestWaitReplyPort / NtReplyWaitReceivePort\"", c.size, (unsigned)max_len );
    snprintf( label, sizeof(label), "LPC round trip, %u B (max message)", c.size );
    report_latency( "lpc_rt_max", label, &s, &extra );

    NtClose( c.port );
    free( s.v );
    return 0;
}

int main( int argc, char **argv )
{
    if (argc == 3 && !strcmp( argv[1], "client" )) return run_client( argv[2] );
    if (argc != 1)
    {
        fprintf( stderr, "usage: %s\n", argv[0] );
        return 2;
    }
    return run_server();
}
