/*
 * ALPC ports: interoperation with legacy LPC, concurrent clients, bad
 * input and threads waiting in port calls, across threads and processes
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
 * Built like lpc.c, with the same harness (port_test.h).  Most scenarios
 * run twice: once with the client in a second thread of this process, once
 * with the client in a child process ("alpc client SCENARIO PORTNAME", and so on),
 * which reports through its own ok() calls and its exit code.  A few
 * scenarios (alpc_close.c) put the server in a child, to be killed.
 *
 * Nothing here may block without a bound: the server side receives with a
 * timeout, clients pass timeouts to their connects and synchronous requests
 * and run in threads or children that are waited for with a timeout and
 * killed when it runs out.  After the first timeout later waits are
 * shortened and after a few no new scenario starts; a watchdog thread ends
 * the program (and each child) should a wait have no bound after all.
 *
 * ALPC drops a datagram that is still queued when its sender's port closes
 * (the receiver gets LPC_CANCELED instead, OV), so every client script
 * ends with a synchronous request, or waits for the server, before it
 * closes.
 *
 * Where an expectation comes from, in the comments: "OV" microsoft/openvmm's
 * ALPC wrapper and its tests, "TC" microsoft/terminal's ConIoSrv, "CS"
 * csandker's ALPC samples, "NT" NtApiDotNet, "guess" our own expectation
 * (docs/unverified-behaviour.md).  Checks without a mark are plain object manager behaviour
 * or what the project's ALPC issue asks for (sections 8 and 9 of
 * lpc-alpc-reference-full.md).
 *
 * Attributes other than the context attribute, sections and views, security
 * contexts, completion ports, information classes, NtAlpcConnectPortEx and
 * resource reserves are tested in alpc_attrs.c and alpc_sec.c.
 */

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "ntstatus.h"
#define WIN32_NO_STATUS
#include "windef.h"
#include "winbase.h"
#include "winnls.h"
#include "winternl.h"
#include "ntdef/ntlpcapi.h"
#include "wine/test.h"
#define PORT_TEST_PROGRAM "alpc_interop"
#define PORT_TEST_PREFIX "alpc_interop"
#define PORT_TEST_CHECK_START
#include "port_test.h"
#include "alpc_test.h"

/*
 * The ALPC programs alpc.c (ports, connections, messages), alpc_close.c
 * (disconnection, cancel, death) and alpc_interop.c (legacy LPC, concurrent
 * clients, bad input, waiting threads) share alpc_test.h.
 */

/***********************************************************************
 * 8. Interoperation with legacy LPC, both ways
 */

/* a legacy client of an ALPC server */
static void client_lpc( const char *name )
{
    SECURITY_QUALITY_OF_SERVICE qos;
    UNICODE_STRING str;
    WCHAR buffer[MAX_PATH];
    char info[64];
    ULONG len, max_len = 0;
    alpc_msg msg, reply;
    HANDLE port = NULL;
    NTSTATUS status;

    qos.Length = sizeof(qos);
    qos.ImpersonationLevel = SecurityImpersonation;
    qos.ContextTrackingMode = SECURITY_STATIC_TRACKING;
    qos.EffectiveOnly = TRUE;
    init_unicode( &str, buffer, name );
    memset( info, 0xcc, sizeof(info) );
    strcpy( info, "legacy-hello" );
    len = sizeof("legacy-hello");
    status = pNtConnectPort( &port, &str, &qos, NULL, NULL, &max_len, info, &len );
    ok( status == STATUS_SUCCESS, "NtConnectPort(%s) failed: %#lx\n", name, status );
    if (status) return;
    ok( !strcmp( info, "ok-alpc" ), "connection information %s\n", wine_dbgstr_an( info, 16 ));

    set_msg( &msg, "legacy-datagram" );
    status = pNtRequestPort( port, &msg.h );
    ok( status == STATUS_SUCCESS, "NtRequestPort failed: %#lx\n", status );

    set_msg( &msg, "legacy-request" );
    memset( &reply, 0xcc, sizeof(reply) );
    status = pNtRequestWaitReplyPort( port, &msg.h, &reply.h );
    ok( status == STATUS_SUCCESS, "NtRequestWaitReplyPort failed: %#lx\n", status );
    if (!status)
    {
        ok( MSG_TYPE( &reply ) == LPC_REPLY, "reply type %#x\n", reply.h.u2.s2.Type );
        check_data( &reply, "alpc-reply" );
    }
    status = NtClose( port );
    ok( status == STATUS_SUCCESS, "NtClose failed: %#lx\n", status );
}

static void test_lpc_client( BOOL process )
{
    context_attrs attrs;
    struct session s;
    alpc_msg msg;

    if (!session_start( &s, "lpc-client", process )) goto done;
    if (!session_accept( &s, "legacy-hello", "ok-alpc" )) goto done;
    if (!expect_msg( s.port, &msg, &attrs, LPC_DATAGRAM )) goto done;
    check_data( &msg, "legacy-datagram" );
    check_sender( &msg.h, s.client.pid, s.client.tid );
    check_context( &attrs, &msg, s.context );
    if (!expect_msg( s.port, &msg, &attrs, LPC_REQUEST )) goto done;
    check_data( &msg, "legacy-request" );
    check_sender( &msg.h, s.client.pid, s.client.tid );
    check_context( &attrs, &msg, s.context );
    reply_msg( s.comm, ALPC_MSGFLG_RELEASE_MESSAGE, &msg, "alpc-reply" );
    expect_closed( &s );
done:
    session_end( &s );
}

/* an ALPC client of a legacy server */
static void client_alpc( const char *name )
{
    alpc_msg msg;
    NTSTATUS status;
    HANDLE port;

    /* the legacy accept's data comes back, as from an ALPC server */
    if (!(port = client_connect( name, 0, "alpc-hello", "lpc-ok" ))) return;
    set_msg( &msg, "alpc-datagram" );
    status = send_msg( port, ALPC_MSGFLG_RELEASE_MESSAGE, &msg );
    ok( status == STATUS_SUCCESS, "datagram failed: %#lx\n", status );
    sync_request( port, "alpc-request", "lpc-reply" );
    status = NtClose( port );
    ok( status == STATUS_SUCCESS, "NtClose failed: %#lx\n", status );
}

/* the next message on a legacy port, which must be of this type */
#define expect_lpc_msg(p, c, m, t) expect_lpc_msg_(__FILE__, __LINE__, p, c, m, t)
static BOOL expect_lpc_msg_( const char *file, int line, HANDLE port, void **context, alpc_msg *msg, int type )
{
    LARGE_INTEGER timeout;
    NTSTATUS status;

    memset( msg, 0xcc, sizeof(*msg) );
    *context = (void *)0xdeadbeef;
    status = pNtReplyWaitReceivePortEx( port, context, NULL, &msg->h, relative_timeout( &timeout, 2 * wait_time() ));
    if (status == STATUS_TIMEOUT) note_timeout();
    ok_(file, line)( status == STATUS_SUCCESS, "waiting for a message of type %d: %#lx\n", type, status );
    if (status) return FALSE;
    ok_(file, line)( MSG_TYPE( msg ) == type, "expected a message of type %d, got type %#x\n", type,
                     msg->h.u2.s2.Type );
    return MSG_TYPE( msg ) == type;
}

/* NtReplyWaitReceivePort blocks without a bound: in a thread */
struct reply_receive_call
{
    HANDLE   port;
    alpc_msg reply;
    alpc_msg msg;
    void    *context;
    NTSTATUS status;
};

static DWORD WINAPI reply_receive_proc( void *arg )
{
    struct reply_receive_call *call = arg;

    memset( &call->msg, 0xcc, sizeof(call->msg) );
    call->status = pNtReplyWaitReceivePort( call->port, &call->context, &call->reply.h, &call->msg.h );
    return 0;
}

static void test_lpc_server( BOOL process )
{
    static struct reply_receive_call call;
    struct client client;
    char name[MAX_PATH];
    UNICODE_STRING str;
    OBJECT_ATTRIBUTES attr;
    WCHAR buffer[MAX_PATH];
    HANDLE port = NULL, comm = NULL, thread;
    void *context, *accept_context = (void *)0x1ead;
    NTSTATUS status;
    alpc_msg msg;

    memset( &client, 0, sizeof(client) );
    make_name( name, bno_dir, "alpc-client" );
    init_attr( &attr, &str, buffer, name );
    status = pNtCreatePort( &port, &attr, LPC_MAX_INFO_LENGTH, LPC_MAX_MESSAGE_LENGTH, 0 );
    ok( status == STATUS_SUCCESS, "NtCreatePort(%s) failed: %#lx\n", name, status );
    if (status) return;
    if (!start_client( &client, process, "alpc-client", name )) goto done;

    if (!expect_lpc_msg( port, &context, &msg, LPC_CONNECTION_REQUEST )) goto done;
    check_data( &msg, "alpc-hello" );
    check_sender( &msg.h, client.pid, client.tid );
    set_data( &msg, "lpc-ok" );
    status = pNtAcceptConnectPort( &comm, accept_context, &msg.h, TRUE, NULL, NULL );
    ok( status == STATUS_SUCCESS, "NtAcceptConnectPort failed: %#lx\n", status );
    if (status)
    {
        comm = NULL;
        goto done;
    }
    status = pNtCompleteConnectPort( comm );
    ok( status == STATUS_SUCCESS, "NtCompleteConnectPort failed: %#lx\n", status );

    if (!expect_lpc_msg( port, &context, &msg, LPC_DATAGRAM )) goto done;
    check_data( &msg, "alpc-datagram" );
    check_sender( &msg.h, client.pid, client.tid );
    ok( context == accept_context, "port context %p\n", context );
    if (!expect_lpc_msg( port, &context, &msg, LPC_REQUEST )) goto done;
    check_data( &msg, "alpc-request" );
    check_sender( &msg.h, client.pid, client.tid );
    ok( context == accept_context, "port context %p\n", context );

    /* the legacy server's usual loop: reply, then wait for the next one, which is the close */
    call.port = port;
    make_reply( &call.reply, &msg, "lpc-reply" );
    call.status = 0xdeadbeef;
    thread = CreateThread( NULL, 0, reply_receive_proc, &call, 0, NULL );
    ok( thread != NULL, "CreateThread failed: %lu\n", GetLastError() );
    if (!wait_thread( thread, 2 * wait_time() )) goto done;
    ok( call.status == STATUS_SUCCESS, "NtReplyWaitReceivePort failed: %#lx\n", call.status );
    if (!call.status)
    {
        ok( MSG_TYPE( &call.msg ) == LPC_PORT_CLOSED, "type %#x\n", call.msg.h.u2.s2.Type );
        ok( call.context == accept_context, "port context %p\n", call.context );
    }
done:
    finish_client( &client );
    if (comm) NtClose( comm );
    NtClose( port );
}


/***********************************************************************
 * 9. Concurrent clients: processes and threads at once
 */

#define MANY_CLIENTS  8     /* half of them processes */
#define MANY_REQUESTS 20

static void client_many( const char *name )
{
    char text[64], expect[64];
    NTSTATUS status;
    HANDLE port;
    int i;

    if (!(port = client_connect( name, 0, NULL, NULL ))) return;
    for (i = 0; i < MANY_REQUESTS; i++)
    {
        sprintf( text, "req %lx %lx %d", GetCurrentProcessId(), GetCurrentThreadId(), i );
        sprintf( expect, "rep %lx %lx %d", GetCurrentProcessId(), GetCurrentThreadId(), i );
        if (sync_request( port, text, expect )) break;
    }
    status = NtClose( port );
    ok( status == STATUS_SUCCESS, "NtClose failed: %#lx\n", status );
}

/* Several threads of a client share one port, each with its synchronous
 * request outstanding; the server answers them in reverse order, and each
 * thread gets its own reply (local RPC calls concurrently on one port) */
#define SHARED_THREADS 4

static DWORD WINAPI shared_port_thread( void *arg )
{
    char text[64], expect[64];
    int i;

    for (i = 0; i < MANY_REQUESTS; i++)
    {
        sprintf( text, "req %lx %lx %d", GetCurrentProcessId(), GetCurrentThreadId(), i );
        sprintf( expect, "rep %lx %lx %d", GetCurrentProcessId(), GetCurrentThreadId(), i );
        if (sync_request( arg, text, expect )) break;
    }
    return 0;
}

static void client_shared_port( const char *name )
{
    HANDLE port, threads[SHARED_THREADS];
    NTSTATUS status;
    int i;

    if (!(port = client_connect( name, 0, NULL, NULL ))) return;
    for (i = 0; i < SHARED_THREADS; i++)
    {
        threads[i] = CreateThread( NULL, 0, shared_port_thread, port, 0, NULL );
        ok( threads[i] != NULL, "CreateThread failed: %lu\n", GetLastError() );
    }
    for (i = 0; i < SHARED_THREADS; i++)
    {
        if (!threads[i]) continue;
        wait_thread( threads[i], 2 * CLIENT_WAIT );
        CloseHandle( threads[i] );
    }
    status = NtClose( port );
    ok( status == STATUS_SUCCESS, "NtClose failed: %#lx\n", status );
}

static void test_shared_port( BOOL process )
{
    alpc_msg msgs[SHARED_THREADS];
    DWORD pid, tid, seen[SHARED_THREADS];
    context_attrs attrs;
    struct session s;
    char text[64];
    int round, i, j, n, index;

    if (!session_start( &s, "shared-port", process )) goto done;
    if (!session_accept( &s, NULL, NULL )) goto done;
    for (round = 0; round < MANY_REQUESTS; round++)
    {
        for (i = 0; i < SHARED_THREADS; i++)
        {
            if (!expect_msg( s.port, &msgs[i], &attrs, LPC_REQUEST )) goto done;
            n = sscanf( msgs[i].data, "req %lx %lx %d", &pid, &tid, &index );
            ok( n == 3 && index == round, "round %d: data %s\n", round, wine_dbgstr_an( msgs[i].data, 32 ));
            check_sender( &msgs[i].h, pid, tid );
            seen[i] = tid;
            for (j = 0; j < i; j++) ok( seen[j] != tid, "round %d: thread %04lx twice\n", round, tid );
        }
        for (i = SHARED_THREADS - 1; i >= 0; i--)
        {
            sprintf( text, "rep %lx %lx %d", s.client.pid, seen[i], round );
            reply_msg( s.comm, ALPC_MSGFLG_RELEASE_MESSAGE, &msgs[i], text );
        }
    }
    expect_closed( &s );
done:
    session_end( &s );
}

static void test_concurrent(void)
{
    struct client clients[MANY_CLIENTS];
    HANDLE comms[MANY_CLIENTS];
    DWORD tids[MANY_CLIENTS], pid, tid;
    int connected = 0, closed = 0, requests = 0, i, n;
    char name[MAX_PATH], text[64];
    context_attrs attrs;
    ULONG_PTR index;
    NTSTATUS status;
    alpc_msg msg;
    HANDLE port;

    make_name( name, bno_dir, "many" );
    if (!(port = create_port( name, MAX_MESSAGE_LENGTH ))) return;
    memset( clients, 0, sizeof(clients) );
    memset( comms, 0, sizeof(comms) );
    for (i = 0; i < MANY_CLIENTS; i++) start_client( &clients[i], i < MANY_CLIENTS / 2, "many", name );

    /* every client connects, makes its requests and closes its port */
    while (closed < MANY_CLIENTS)
    {
        status = receive_msg( port, &msg, &attrs, 2 * wait_time() );
        ok( status == STATUS_SUCCESS, "receive failed: %#lx; %d connected, %d closed, %d requests\n", status,
            connected, closed, requests );
        if (status) break;
        switch (MSG_TYPE( &msg ))
        {
        case LPC_CONNECTION_REQUEST:
            ok( connected < MANY_CLIENTS, "too many connections\n" );
            if (connected >= MANY_CLIENTS) break;
            tids[connected] = HandleToULong( msg.h.ClientId.UniqueThread );
            /* each connection has its own context: its index, plus one */
            status = pNtAlpcAcceptConnectPort( &comms[connected], port, 0, NULL, NULL,
                                               (void *)(ULONG_PTR)(connected + 1), &msg.h, NULL, TRUE );
            ok( status == STATUS_SUCCESS, "NtAlpcAcceptConnectPort failed: %#lx\n", status );
            if (!status) connected++;
            break;
        case LPC_REQUEST:
            n = sscanf( msg.data, "req %lx %lx %d", &pid, &tid, &i );
            ok( n == 3, "data %s\n", wine_dbgstr_an( msg.data, 32 ));
            if (n != 3) break;
            /* it came from who it says, through its own connection */
            check_sender( &msg.h, pid, tid );
            index = (ULONG_PTR)attrs.context.PortContext - 1;
            ok( (attrs.header.ValidAttributes & ALPC_MESSAGE_CONTEXT_ATTRIBUTE) && index < connected &&
                tids[index] == tid, "request of thread %04lx with context %p\n", tid, attrs.context.PortContext );
            sprintf( text, "rep %lx %lx %d", pid, tid, i );
            if (!reply_msg( port, ALPC_MSGFLG_RELEASE_MESSAGE, &msg, text )) requests++;
            break;
        case LPC_PORT_CLOSED:
            closed++;
            break;
        default:
            ok( 0, "unexpected message of type %#x\n", msg.h.u2.s2.Type );
            break;
        }
    }
    ok( connected == MANY_CLIENTS, "%d clients connected\n", connected );
    ok( requests == MANY_CLIENTS * MANY_REQUESTS, "%d requests answered\n", requests );

    for (i = 0; i < MANY_CLIENTS; i++)
    {
        winetest_push_context( "client %d", i );
        finish_client( &clients[i] );
        winetest_pop_context();
    }
    for (i = 0; i < connected; i++) NtClose( comms[i] );
    NtClose( port );
}


/***********************************************************************
 * 10. Bad input
 */

/* every call that takes a port handle, with a handle that is not a port's */
#define check_bad_handle(h, e) check_bad_handle_(__FILE__, __LINE__, h, e)
static void check_bad_handle_( const char *file, int line, HANDLE handle, NTSTATUS expect )
{
    ALPC_BASIC_INFORMATION info;
    OBJECT_ATTRIBUTES attr;
    LARGE_INTEGER timeout;
    alpc_msg msg, reply;
    HANDLE out;
    NTSTATUS status;
    SIZE_T len;
    ULONG ret;

    set_msg( &msg, "bad handle" );
    status = send_msg( handle, ALPC_MSGFLG_RELEASE_MESSAGE, &msg );
    ok_(file, line)( status == expect, "datagram: %#lx\n", status );
    len = sizeof(reply);
    status = pNtAlpcSendWaitReceivePort( handle, ALPC_MSGFLG_SYNC_REQUEST, &msg.h, NULL, &reply.h, &len, NULL,
                                         relative_timeout( &timeout, 0 ));
    ok_(file, line)( status == expect, "synchronous request: %#lx\n", status );
    len = sizeof(reply);
    status = pNtAlpcSendWaitReceivePort( handle, 0, NULL, NULL, &reply.h, &len, NULL, relative_timeout( &timeout, 0 ));
    ok_(file, line)( status == expect, "receive: %#lx\n", status );
    status = pNtAlpcDisconnectPort( handle, 0 );
    ok_(file, line)( status == expect, "NtAlpcDisconnectPort: %#lx\n", status );
    status = pNtAlpcQueryInformation( handle, AlpcBasicInformation, &info, sizeof(info), &ret );
    ok_(file, line)( status == expect, "NtAlpcQueryInformation: %#lx\n", status );

    /* as if a message had been received from this thread */
    msg.h.ClientId.UniqueProcess = ULongToHandle( GetCurrentProcessId() );
    msg.h.ClientId.UniqueThread = ULongToHandle( GetCurrentThreadId() );
    msg.h.MessageId = 1;
    out = NULL;
    status = pNtAlpcAcceptConnectPort( &out, handle, 0, NULL, NULL, NULL, &msg.h, NULL, TRUE );
    ok_(file, line)( status == expect, "NtAlpcAcceptConnectPort: %#lx\n", status );
    if (!status) NtClose( out );
    status = pNtAlpcImpersonateClientOfPort( handle, &msg.h, NULL );
    ok_(file, line)( status == expect, "NtAlpcImpersonateClientOfPort: %#lx\n", status );
    if (!status) revert_to_self();
    InitializeObjectAttributes( &attr, NULL, 0, NULL, NULL );
    status = pNtAlpcOpenSenderProcess( &out, handle, &msg.h, 0, PROCESS_QUERY_INFORMATION, &attr );
    ok_(file, line)( status == expect, "NtAlpcOpenSenderProcess: %#lx\n", status );
    if (!status) NtClose( out );
    status = pNtAlpcOpenSenderThread( &out, handle, &msg.h, 0, THREAD_QUERY_INFORMATION, &attr );
    ok_(file, line)( status == expect, "NtAlpcOpenSenderThread: %#lx\n", status );
    if (!status) NtClose( out );
}

static void client_bad( const char *name )
{
    ALPC_PORT_ATTRIBUTES port_attrs;
    context_attrs attrs;
    LARGE_INTEGER timeout;
    UNICODE_STRING str;
    WCHAR buffer[MAX_PATH];
    alpc_msg msg, reply;
    HANDLE port, event, other;
    NTSTATUS status;
    SIZE_T len;

    if (!(port = client_connect( name, 0, NULL, NULL ))) return;

    /* guess: a synchronous request needs a request (any error; not a plain receive) */
    len = sizeof(reply);
    status = pNtAlpcSendWaitReceivePort( port, ALPC_MSGFLG_SYNC_REQUEST, NULL, NULL, &reply.h, &len, NULL,
                                         relative_timeout( &timeout, 100 ));
    ok( !NT_SUCCESS( status ), "SYNC_REQUEST without a message: %#lx\n", status );

    /* messages that cannot be read (see lpc.c) */
    status = pNtAlpcSendWaitReceivePort( port, ALPC_MSGFLG_RELEASE_MESSAGE, bad_ptr, NULL, NULL, NULL, NULL, NULL );
    ok( status == STATUS_ACCESS_VIOLATION, "datagram at a bad address: %#lx\n", status );

    /* too long, and a reply to nothing */
    set_big_msg( &msg, MAX_MESSAGE_LENGTH + 1, 5 );
    status = send_msg( port, ALPC_MSGFLG_RELEASE_MESSAGE, &msg );
    ok( status == STATUS_PORT_MESSAGE_TOO_LONG, "datagram of %#x bytes: %#lx\n", MAX_MESSAGE_LENGTH + 1, status );
    set_msg( &msg, "unasked reply" );
    msg.h.ClientId.UniqueProcess = ULongToHandle( GetCurrentProcessId() );
    msg.h.ClientId.UniqueThread = ULongToHandle( GetCurrentThreadId() );
    msg.h.MessageId = NEVER_ID;
    status = send_msg( port, ALPC_MSGFLG_REPLY_MESSAGE | ALPC_MSGFLG_RELEASE_MESSAGE, &msg );
    ok( status == STATUS_REPLY_MESSAGE_MISMATCH, "reply to nothing: %#lx\n", status );

    /* guess: flags that are no ALPC_MSGFLG_* are refused, and nothing is sent */
    set_msg( &msg, "wrong flags" );
    status = send_msg( port, ALPC_MSGFLG_RELEASE_MESSAGE | 0x8, &msg );
    ok( status == STATUS_INVALID_PARAMETER, "datagram with flag 0x8: %#lx\n", status );
    status = send_msg( port, ALPC_MSGFLG_RELEASE_MESSAGE | 0x01000000, &msg );
    ok( status == STATUS_INVALID_PARAMETER, "datagram with flag 0x01000000: %#lx\n", status );

    /* a receive buffer with bits that are no attribute's is no error: ALPC-Tools receives
     * from Windows services into one made by AlpcInitializeMessageAttribute( 0xffffffff, ... ),
     * which allocates all 32 bits (upstream Wine's alpc.c test, run on Windows); on a
     * connection port of its own, where nothing is queued */
    if ((other = create_port( "\\BaseNamedObjects\\wine-lpc-alpc-unknown-attr-bits", MAX_MESSAGE_LENGTH )))
    {
        init_context_attrs( &attrs );
        attrs.header.AllocatedAttributes |= 0x00000001;
        len = sizeof(reply);
        status = pNtAlpcSendWaitReceivePort( other, 0, NULL, NULL, &reply.h, &len, &attrs.header,
                                             relative_timeout( &timeout, 0 ));
        ok( status == STATUS_TIMEOUT, "receive attributes %#lx: %#lx\n", attrs.header.AllocatedAttributes, status );
        NtClose( other );
    }

    /* handles that are not ports */
    check_bad_handle( BOGUS_HANDLE, STATUS_INVALID_HANDLE );
    event = CreateEventA( NULL, TRUE, FALSE, NULL );
    check_bad_handle( event, STATUS_OBJECT_TYPE_MISMATCH );
    CloseHandle( event );

    /* nowhere to put the handle */
    init_unicode( &str, buffer, name );
    init_port_attrs( &port_attrs, 0, MAX_MESSAGE_LENGTH );
    status = pNtAlpcConnectPort( NULL, &str, NULL, &port_attrs, ALPC_SYNC_CONNECTION, NULL, NULL, NULL, NULL, NULL,
                                 relative_timeout( &timeout, 100 ));
    ok( is_null_status( status ), "NtAlpcConnectPort(NULL handle): %#lx\n", status );
    status = pNtAlpcConnectPort( &other, NULL, NULL, &port_attrs, ALPC_SYNC_CONNECTION, NULL, NULL, NULL, NULL, NULL,
                                 relative_timeout( &timeout, 100 ));
    ok( is_null_status( status ), "NtAlpcConnectPort(NULL name): %#lx\n", status );
    if (!status) NtClose( other );

    /* none of it reached the server: this is its next message */
    sync_request( port, "bad-done", "bad-ok" );
    status = NtClose( port );
    ok( status == STATUS_SUCCESS, "NtClose failed: %#lx\n", status );
}

static void test_bad_input( BOOL process )
{
    context_attrs attrs;
    struct session s;
    alpc_msg msg;

    if (!session_start( &s, "bad", process )) goto done;
    if (!session_accept( &s, NULL, NULL )) goto done;
    if (!expect_msg( s.port, &msg, &attrs, LPC_REQUEST )) goto done;
    check_data( &msg, "bad-done" );
    reply_msg( s.comm, ALPC_MSGFLG_REPLY_MESSAGE | ALPC_MSGFLG_RELEASE_MESSAGE, &msg, "bad-ok" );
    expect_closed( &s );
done:
    session_end( &s );
}

static void test_still_works( BOOL process )
{
    struct session s;

    if (session_init( &s, bno_dir, "ping" )) session_ping( &s, process );
    session_end( &s );
}


/***********************************************************************
 * Waiting threads stay in the system's hands: a thread blocked in a port
 * wait can be suspended and resumed, terminated, and a process whose
 * threads all wait still runs what other processes ask of it
 * (VirtualAllocEx). Wine's fast path sleeps on a futex instead of in
 * wineserver's select; make check runs this both ways.
 */

/* blocks in a receive on its client port until the server's datagram comes */
static void client_receive_blocked( const char *name )
{
    context_attrs attrs;
    alpc_msg msg;
    HANDLE port;

    if (!(port = client_connect( name, 0, NULL, NULL ))) return;
    if (expect_msg( port, &msg, &attrs, LPC_DATAGRAM )) check_data( &msg, "resumed" );
    NtClose( port );
}

/* blocks waiting for the reply to a synchronous request until it is ended */
static void client_request_blocked( const char *name )
{
    HANDLE port;

    if (!(port = client_connect( name, 0, NULL, NULL ))) return;
    sync_request( port, "blocked", "released" );
    NtClose( port );
}

static void test_suspend_waiting(void)
{
    CONTEXT ctx;
    struct session s;
    alpc_msg msg;
    NTSTATUS status;
    DWORD ret;

    if (!session_start( &s, "receive-blocked", FALSE ) || !session_accept( &s, NULL, NULL )) goto done;
    Sleep( 100 );  /* the client thread now waits in its receive */
    ret = SuspendThread( s.client.handle );
    ok( ret == 0, "SuspendThread returned %ld, error %lu\n", ret, GetLastError() );
    memset( &ctx, 0, sizeof(ctx) );
    ctx.ContextFlags = CONTEXT_CONTROL;
    ok( GetThreadContext( s.client.handle, &ctx ), "GetThreadContext failed: %lu\n", GetLastError() );
    ok( ctx.Rip != 0, "no instruction pointer\n" );

    set_msg( &msg, "resumed" );
    status = send_msg( s.comm, ALPC_MSGFLG_RELEASE_MESSAGE, &msg );
    ok( status == STATUS_SUCCESS, "datagram to a suspended receiver: %#lx\n", status );
    ret = WaitForSingleObject( s.client.handle, 200 );
    ok( ret == WAIT_TIMEOUT, "the suspended client ran on: %lu\n", ret );
    ret = ResumeThread( s.client.handle );
    ok( ret == 1, "ResumeThread returned %ld\n", ret );
done:
    session_end( &s );  /* the resumed client receives the datagram and finishes */
}

static void test_terminate_waiting(void)
{
    context_attrs attrs;
    struct session s;
    alpc_msg msg;
    NTSTATUS status;
    DWORD ret, code = 0xdead;

    if (!session_start( &s, "request-blocked", FALSE ) || !session_accept( &s, NULL, NULL )) goto done;
    if (!expect_msg( s.port, &msg, &attrs, LPC_REQUEST )) goto done;
    check_data( &msg, "blocked" );
    Sleep( 50 );
    ok( TerminateThread( s.client.handle, 0 ), "TerminateThread failed: %lu\n", GetLastError() );
    ret = WaitForSingleObject( s.client.handle, wait_time() );
    ok( ret == WAIT_OBJECT_0, "the thread waiting for its reply did not end: %lu\n", ret );
    GetExitCodeThread( s.client.handle, &code );
    ok( code == 0, "exit code %#lx\n", code );
    /* its request died with it */
    set_data( &msg, "released" );
    status = send_msg( s.comm, ALPC_MSGFLG_REPLY_MESSAGE | ALPC_MSGFLG_RELEASE_MESSAGE, &msg );
    ok( status != STATUS_SUCCESS, "reply to a terminated thread succeeded\n" );
done:
    session_end( &s );
}

/* VirtualAllocEx runs in the target process, which must leave its wait to do it */
static void test_remote_calls_while_waiting(void)
{
    static const char data[] = "written from outside";
    context_attrs attrs;
    char buffer[sizeof(data)];
    struct session s;
    alpc_msg msg;
    SIZE_T size;
    void *mem;

    if (!session_start( &s, "request-blocked", TRUE ) || !session_accept( &s, NULL, NULL )) goto done;
    if (!expect_msg( s.port, &msg, &attrs, LPC_REQUEST )) goto done;
    check_data( &msg, "blocked" );
    Sleep( 100 );  /* its only thread waits for the reply */
    mem = VirtualAllocEx( s.client.handle, NULL, 0x1000, MEM_COMMIT, PAGE_READWRITE );
    ok( mem != NULL, "VirtualAllocEx failed: %lu\n", GetLastError() );
    if (mem)
    {
        ok( WriteProcessMemory( s.client.handle, mem, data, sizeof(data), &size ) && size == sizeof(data),
            "WriteProcessMemory failed: %lu\n", GetLastError() );
        memset( buffer, 0, sizeof(buffer) );
        ok( ReadProcessMemory( s.client.handle, mem, buffer, sizeof(buffer), &size ) && !strcmp( buffer, data ),
            "ReadProcessMemory failed: %lu\n", GetLastError() );
        ok( VirtualFreeEx( s.client.handle, mem, 0, MEM_RELEASE ), "VirtualFreeEx failed: %lu\n", GetLastError() );
    }
    reply_msg( s.comm, ALPC_MSGFLG_RELEASE_MESSAGE, &msg, "released" );
done:
    session_end( &s );
}


/***********************************************************************
 * Test driver
 */

static const struct client_scenario client_scenarios[] =
{
    { "lpc-client", client_lpc },
    { "alpc-client", client_alpc },
    { "many", client_many },
    { "shared-port", client_shared_port },
    { "bad", client_bad },
    { "ping", client_ping },
    { "receive-blocked", client_receive_blocked },
    { "request-blocked", client_request_blocked },
};

static void run_client( const char *scenario, const char *port )
{
    run_client_scenario( client_scenarios, ARRAY_SIZE(client_scenarios), scenario, port );
}

START_TEST(alpc_interop)
{
    int argc = winetest_get_mainargs( &test_argv ), process;

    if (!init_functions() || run_child( argc, NULL )) return;

#define RUN(call) do { if (!too_many_timeouts()) call; } while (0)

    /* the client in a thread of this process, then in a child process */
    for (process = 0; process < 2; process++)
    {
        winetest_push_context( process ? "process" : "thread" );
        RUN( test_shared_port( process ) );
        RUN( test_lpc_client( process ) );
        RUN( test_lpc_server( process ) );
        RUN( test_bad_input( process ) );
        RUN( test_still_works( process ) );
        winetest_pop_context();
    }
    RUN( test_concurrent() );
    RUN( test_suspend_waiting() );
    RUN( test_terminate_waiting() );
    RUN( test_remote_calls_while_waiting() );
    RUN( test_still_works( TRUE ) );
#undef RUN
}
