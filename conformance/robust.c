/*
 * What once crashed wineserver, hung a caller or lost a message
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
 * Each scenario here is the smallest sequence that brought wineserver down,
 * left a caller blocked or lost a message before it was fixed (the defects
 * of the project's reliability issue); the program runs them with the
 * client in a thread and, where a client takes part, in a child process
 * ("robust client SCENARIO PORTNAME").  The last scenario sends wineserver
 * requests by hand, as a hostile process can, to check what wineserver
 * itself refuses.
 *
 * Where an expectation comes from, in the comments: "OV" microsoft/openvmm's
 * ALPC wrapper, "NT" NtApiDotNet, "guess" our own expectation, listed in
 * docs/unverified-behaviour.md.  Unmarked checks ask only that the call
 * fails or succeeds in time and that wineserver goes on serving.
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
#include "wine/server.h"
#include "wine/test.h"
#define PORT_TEST_PROGRAM "robust"
#define PORT_TEST_PREFIX "robust"
#include "port_test.h"

#define MAX_MESSAGE_LENGTH 0x200

typedef struct
{
    TEST_PORT_MESSAGE h;
    char data[MAX_MESSAGE_LENGTH];
} port_msg;

/* an attribute buffer with room for every attribute */
typedef struct
{
    ALPC_MESSAGE_ATTRIBUTES header;
    char blocks[0x100];
} attr_buffer;

static void *bad_ptr;       /* reserved, never committed: every access faults */

/* ntlpcapi.h declares the calls with Wine 8.0's 0x20-byte PORT_MESSAGE */
#define PM(msg) ((void *)&(msg)->h)

static void init_port_attrs( ALPC_PORT_ATTRIBUTES *attrs, ULONG flags )
{
    memset( attrs, 0, sizeof(*attrs) );
    attrs->Flags = flags;
    attrs->SecurityQos.Length = sizeof(attrs->SecurityQos);
    attrs->SecurityQos.ImpersonationLevel = SecurityImpersonation;
    attrs->SecurityQos.ContextTrackingMode = SECURITY_STATIC_TRACKING;
    attrs->MaxMessageLength = MAX_MESSAGE_LENGTH;
}

static void set_msg( port_msg *msg, const char *text )
{
    SHORT len = strlen( text ) + 1;

    memset( &msg->h, 0, sizeof(msg->h) );
    msg->h.u1.s1.DataLength = len;
    msg->h.u1.s1.TotalLength = HDR_SIZE + len;
    memcpy( msg->data, text, len );
}

/* an attribute buffer for these attributes, as ntdll lays it out */
static ALPC_MESSAGE_ATTRIBUTES *init_attrs( attr_buffer *buffer, ULONG flags )
{
    SIZE_T needed = 0;
    NTSTATUS status;

    memset( buffer, 0, sizeof(*buffer) );
    status = AlpcInitializeMessageAttribute( flags, &buffer->header, sizeof(*buffer), &needed );
    ok( status == STATUS_SUCCESS, "AlpcInitializeMessageAttribute(%#lx) failed: %#lx\n", flags, status );
    return &buffer->header;
}

#define create_port(n, f) create_port_(__FILE__, __LINE__, n, f)
static HANDLE create_port_( const char *file, int line, const char *name, ULONG flags )
{
    ALPC_PORT_ATTRIBUTES attrs;
    UNICODE_STRING str;
    OBJECT_ATTRIBUTES attr;
    WCHAR buffer[MAX_PATH];
    HANDLE port = NULL;
    NTSTATUS status;

    init_attr( &attr, &str, buffer, name );
    init_port_attrs( &attrs, flags );
    status = NtAlpcCreatePort( &port, &attr, &attrs );
    ok_(file, line)( status == STATUS_SUCCESS, "NtAlpcCreatePort(%s) failed: %#lx\n", name, status );
    return status ? NULL : port;
}

static NTSTATUS connect_port( const char *name, ULONG flags, ALPC_PORT_ATTRIBUTES *attrs, PSID sid,
                              DWORD ms, HANDLE *port )
{
    ALPC_PORT_ATTRIBUTES defaults;
    LARGE_INTEGER timeout;
    UNICODE_STRING str;
    WCHAR buffer[MAX_PATH];

    if (!attrs) init_port_attrs( attrs = &defaults, 0 );
    init_unicode( &str, buffer, name );
    *port = NULL;
    return NtAlpcConnectPort( port, &str, NULL, attrs, flags, sid, NULL, NULL, NULL, NULL,
                              relative_timeout( &timeout, ms ));
}

static NTSTATUS receive_msg( HANDLE port, port_msg *msg, ALPC_MESSAGE_ATTRIBUTES *attrs, DWORD ms )
{
    LARGE_INTEGER timeout;
    SIZE_T len = sizeof(*msg);
    NTSTATUS status;

    memset( msg, 0xcc, sizeof(*msg) );
    status = NtAlpcSendWaitReceivePort( port, 0, NULL, NULL, PM(msg), &len, attrs, relative_timeout( &timeout, ms ));
    if (status == STATUS_TIMEOUT && ms) note_timeout();
    return status;
}

#define expect_msg(p, m, t) expect_msg_(__FILE__, __LINE__, p, m, t)
static BOOL expect_msg_( const char *file, int line, HANDLE port, port_msg *msg, int type )
{
    NTSTATUS status = receive_msg( port, msg, NULL, 2 * wait_time() );

    ok_(file, line)( status == STATUS_SUCCESS, "waiting for a message of type %d: %#lx\n", type, status );
    if (status) return FALSE;
    ok_(file, line)( MSG_TYPE( msg ) == type, "type %#x, expected %d\n", msg->h.u2.s2.Type, type );
    return MSG_TYPE( msg ) == type;
}

static NTSTATUS send_datagram( HANDLE port, const char *text )
{
    port_msg msg;

    set_msg( &msg, text );
    return NtAlpcSendWaitReceivePort( port, ALPC_MSGFLG_RELEASE_MESSAGE, PM(&msg), NULL, NULL, NULL, NULL, NULL );
}

/* a request whose reply nobody waits for: the receiver holds it */
static NTSTATUS send_request( HANDLE port, const char *text )
{
    port_msg msg;

    set_msg( &msg, text );
    return NtAlpcSendWaitReceivePort( port, 0, PM(&msg), NULL, NULL, NULL, NULL, NULL );
}

static NTSTATUS accept_msg( HANDLE port, port_msg *msg, ALPC_MESSAGE_ATTRIBUTES *attrs, HANDLE *comm )
{
    *comm = NULL;
    return NtAlpcAcceptConnectPort( comm, port, 0, NULL, NULL, (void *)0x1234, PM(msg), attrs, TRUE );
}

/* a connection port and one accepted connection to it, both in this thread */
struct pair
{
    char   name[MAX_PATH];
    HANDLE port, comm, client;
};

static BOOL open_pair( struct pair *p, const char *tag )
{
    port_msg msg;
    NTSTATUS status;

    memset( p, 0, sizeof(*p) );
    make_name( p->name, bno_dir, tag );
    if (!(p->port = create_port( p->name, 0 ))) return FALSE;
    status = connect_port( p->name, 0, NULL, NULL, 0, &p->client );
    ok( status == STATUS_SUCCESS, "asynchronous NtAlpcConnectPort failed: %#lx\n", status );
    if (status || !expect_msg( p->port, &msg, LPC_CONNECTION_REQUEST )) return FALSE;
    status = accept_msg( p->port, &msg, NULL, &p->comm );
    ok( status == STATUS_SUCCESS, "NtAlpcAcceptConnectPort failed: %#lx\n", status );
    return !status && expect_msg( p->client, &msg, LPC_CONNECTION_REPLY );
}

static void close_pair( struct pair *p )
{
    if (p->client) NtClose( p->client );
    if (p->comm) NtClose( p->comm );
    if (p->port) NtClose( p->port );
}

/* one page of read-only memory */
static void *alloc_readonly(void)
{
    DWORD old;
    void *ptr = VirtualAlloc( NULL, 0x1000, MEM_COMMIT, PAGE_READWRITE );

    ok( ptr != NULL, "VirtualAlloc failed: %lu\n", GetLastError() );
    if (ptr && !VirtualProtect( ptr, 0x1000, PAGE_READONLY, &old )) ok( 0, "VirtualProtect failed\n" );
    return ptr;
}

/* wineserver still creates and serves ports */
#define check_server_alive() check_server_alive_(__FILE__, __LINE__)
static void check_server_alive_( const char *file, int line )
{
    char name[MAX_PATH];
    HANDLE port;

    make_name( name, bno_dir, "alive" );
    port = create_port_( file, line, name, 0 );
    if (port) NtClose( port );
}


static HANDLE lpc_go;  /* lets the client of lpc_accept_thread go */

/* an LPC port with a client thread connected to it, accepted but not completed */
static HANDLE lpc_accept_thread( const char *name, struct client *client, HANDLE *comm )
{
    UNICODE_STRING str;
    OBJECT_ATTRIBUTES attr;
    WCHAR buffer[MAX_PATH];
    HANDLE port;
    port_msg msg;
    NTSTATUS status;

    *comm = NULL;
    init_attr( &attr, &str, buffer, name );
    status = NtCreatePort( &port, &attr, 0, 0x100, 0 );
    ok( status == STATUS_SUCCESS, "NtCreatePort failed: %#lx\n", status );
    if (status) return NULL;
    lpc_go = create_event( name, "go" );
    if (!start_client( client, FALSE, "lpc-connect", name ))
    {
        close_handle( &lpc_go );
        NtClose( port );
        return NULL;
    }
    status = NtListenPort( port, PM(&msg) );
    ok( status == STATUS_SUCCESS, "NtListenPort failed: %#lx\n", status );
    if (!status) status = NtAcceptConnectPort( comm, NULL, PM(&msg), TRUE, NULL, NULL );
    ok( status == STATUS_SUCCESS, "NtAcceptConnectPort failed: %#lx\n", status );
    return port;
}

static void lpc_finish( HANDLE port, struct client *client )
{
    SetEvent( lpc_go );
    finish_client( client );
    close_handle( &lpc_go );
    NtClose( port );
}


/***********************************************************************
 * 1. An accept whose attributes cannot be attached
 *
 * wineserver used to destroy the half-made server port and dereference its
 * missing connection.  The connection request stays pending: a second,
 * good accept lets the client in.
 */

static void client_connect_ping( const char *name )
{
    LARGE_INTEGER timeout;
    port_msg msg, reply;
    SIZE_T len = sizeof(reply);
    HANDLE port;
    NTSTATUS status;

    status = connect_port( name, ALPC_SYNC_CONNECTION, NULL, NULL, CLIENT_WAIT, &port );
    ok( status == STATUS_SUCCESS, "NtAlpcConnectPort failed: %#lx\n", status );
    if (status) return;
    set_msg( &msg, "ping" );
    status = NtAlpcSendWaitReceivePort( port, ALPC_MSGFLG_SYNC_REQUEST, PM(&msg), NULL, PM(&reply), &len, NULL,
                                        relative_timeout( &timeout, CLIENT_WAIT ));
    ok( status == STATUS_SUCCESS, "synchronous request failed: %#lx\n", status );
    if (!status) ok( MSG_TYPE( &reply ) == LPC_REPLY && !strcmp( reply.data, "pong" ), "reply type %#x data %s\n",
                     reply.h.u2.s2.Type, wine_dbgstr_an( reply.data, 8 ));
    NtClose( port );
}

static void test_accept_unattachable( BOOL process )
{
    SECURITY_QUALITY_OF_SERVICE qos = { sizeof(qos), SecurityImpersonation, SECURITY_STATIC_TRACKING, FALSE };
    ALPC_MESSAGE_ATTRIBUTES *attrs;
    ALPC_DIRECT_ATTR *direct;
    ALPC_SECURITY_ATTR *security;
    struct client client;
    char name[MAX_PATH];
    attr_buffer buffer;
    port_msg msg, reply;
    HANDLE port, comm;
    NTSTATUS status;

    make_name( name, bno_dir, "accept-attrs" );
    if (!(port = create_port( name, 0 ))) return;
    if (!start_client( &client, process, "connect-ping", name )) goto done;
    if (!expect_msg( port, &msg, LPC_CONNECTION_REQUEST )) goto done;

    /* guess: the handle is checked as NtSetEvent would check it */
    attrs = init_attrs( &buffer, ALPC_MESSAGE_DIRECT_ATTRIBUTE );
    direct = AlpcGetMessageAttribute( attrs, ALPC_MESSAGE_DIRECT_ATTRIBUTE );
    direct->Event = BOGUS_HANDLE;
    attrs->ValidAttributes = ALPC_MESSAGE_DIRECT_ATTRIBUTE;
    status = accept_msg( port, &msg, attrs, &comm );
    ok( status == STATUS_INVALID_HANDLE, "accept with a bogus direct event: %#lx\n", status );
    ok( !comm, "got a port %p\n", comm );
    check_server_alive();

    /* guess: an ALPC handle that the port never made */
    attrs = init_attrs( &buffer, ALPC_MESSAGE_SECURITY_ATTRIBUTE );
    security = AlpcGetMessageAttribute( attrs, ALPC_MESSAGE_SECURITY_ATTRIBUTE );
    security->QoS = &qos;
    security->ContextHandle = (ALPC_HANDLE)(ULONG_PTR)0x4321;
    attrs->ValidAttributes = ALPC_MESSAGE_SECURITY_ATTRIBUTE;
    status = accept_msg( port, &msg, attrs, &comm );
    ok( status == STATUS_INVALID_HANDLE, "accept with a bogus security context: %#lx\n", status );
    ok( !comm, "got a port %p\n", comm );
    check_server_alive();

    /* the request is still there to accept */
    status = accept_msg( port, &msg, NULL, &comm );
    ok( status == STATUS_SUCCESS, "accept after the failed ones: %#lx\n", status );
    if (status) goto done;
    if (expect_msg( port, &msg, LPC_REQUEST ))
    {
        set_msg( &reply, "pong" );
        reply.h.ClientId = msg.h.ClientId;
        reply.h.MessageId = msg.h.MessageId;
        status = NtAlpcSendWaitReceivePort( comm, ALPC_MSGFLG_REPLY_MESSAGE, PM(&reply), NULL, NULL, NULL, NULL, NULL );
        ok( status == STATUS_SUCCESS, "reply failed: %#lx\n", status );
    }
    expect_msg( port, &msg, LPC_PORT_CLOSED );
    NtClose( comm );
done:
    finish_client( &client );
    NtClose( port );
}


/***********************************************************************
 * 2. A port closed under a thread that waits on it
 *
 * A thread asleep on its futex word used to be forgotten when the port went,
 * and slept until its timeout.  As for a connection port (alpc.c), only a
 * failure in time is asked for.
 */

struct blocked
{
    HANDLE   port;
    BOOL     lpc;
    NTSTATUS status;
};

static DWORD WINAPI blocked_proc( void *arg )
{
    struct blocked *call = arg;
    LARGE_INTEGER timeout;
    port_msg msg;

    if (call->lpc)
        call->status = NtReplyWaitReceivePortEx( call->port, NULL, NULL, PM(&msg),
                                                 relative_timeout( &timeout, 3 * CLIENT_WAIT ));
    else call->status = receive_msg( call->port, &msg, NULL, 3 * CLIENT_WAIT );
    return 0;
}

#define close_under_waiter(p, l, w) close_under_waiter_(__FILE__, __LINE__, p, l, w)
static void close_under_waiter_( const char *file, int line, HANDLE port, BOOL lpc, const char *what )
{
    struct blocked call = { port, lpc, 0xdeadbeef };
    HANDLE thread = CreateThread( NULL, 0, blocked_proc, &call, 0, NULL );

    ok_(file, line)( thread != NULL, "CreateThread failed: %lu\n", GetLastError() );
    ok_(file, line)( WaitForSingleObject( thread, 300 ) == WAIT_TIMEOUT, "%s: the receive did not wait\n", what );
    NtClose( port );
    if (wait_thread_( file, line, thread, wait_time() ))
        ok_(file, line)( !NT_SUCCESS( call.status ), "%s: the receive ended with %#lx\n", what, call.status );
}

static void test_close_while_waiting(void)
{
    struct client client;
    struct pair pair;
    char name[MAX_PATH];
    HANDLE port, comm;

    if (open_pair( &pair, "close-comm" ))
    {
        close_under_waiter( pair.comm, FALSE, "ALPC server port" );
        pair.comm = NULL;
    }
    close_pair( &pair );
    if (open_pair( &pair, "close-client" ))
    {
        close_under_waiter( pair.client, FALSE, "ALPC client port" );
        pair.client = NULL;
    }
    close_pair( &pair );

    /* LPC: NtReplyWaitReceivePort on the server's communication port */
    make_name( name, bno_dir, "close-lpc" );
    if (!(port = lpc_accept_thread( name, &client, &comm ))) return;
    if (comm && NtCompleteConnectPort( comm ) == STATUS_SUCCESS) close_under_waiter( comm, TRUE, "LPC server port" );
    else if (comm) NtClose( comm );
    lpc_finish( port, &client );
}

/* an LPC client that connects and stays until the server says go */
static void client_lpc_connect( const char *name )
{
    SECURITY_QUALITY_OF_SERVICE qos = { sizeof(qos), SecurityImpersonation, SECURITY_STATIC_TRACKING, FALSE };
    UNICODE_STRING str;
    WCHAR buffer[MAX_PATH];
    HANDLE port = NULL;
    NTSTATUS status;

    init_unicode( &str, buffer, name );
    status = NtConnectPort( &port, &str, &qos, NULL, NULL, NULL, NULL, NULL );
    ok( status == STATUS_SUCCESS, "NtConnectPort failed: %#lx\n", status );
    wait_for_go( name );
    if (port) NtClose( port );
}


/***********************************************************************
 * 3. A receive on a client port before an asynchronous connect is decided
 *
 * LPC_CONNECTION_REPLY arrives there (OV); the receive used to sleep on
 * until its timeout with the fast path.
 */

static void client_async_receive( const char *name )
{
    port_msg msg;
    HANDLE port;
    NTSTATUS status;

    status = connect_port( name, 0, NULL, NULL, 0, &port );
    ok( status == STATUS_SUCCESS, "asynchronous NtAlpcConnectPort failed: %#lx\n", status );
    if (status) return;
    /* the server waits before it accepts, so that this receive sleeps first */
    status = receive_msg( port, &msg, NULL, 3 * CLIENT_WAIT );
    ok( status == STATUS_SUCCESS, "receive failed: %#lx\n", status );
    if (!status) ok( MSG_TYPE( &msg ) == LPC_CONNECTION_REPLY, "type %#x\n", msg.h.u2.s2.Type );
    status = send_datagram( port, "connected" );
    ok( status == STATUS_SUCCESS, "datagram failed: %#lx\n", status );
    /* a datagram still queued when its sender closes is cancelled (OV) */
    status = receive_msg( port, &msg, NULL, CLIENT_WAIT );
    ok( status == STATUS_SUCCESS && MSG_TYPE( &msg ) == LPC_DATAGRAM, "no goodbye: %#lx\n", status );
    NtClose( port );
}

static void test_async_connect_receive( BOOL process )
{
    struct client client;
    char name[MAX_PATH];
    HANDLE port, comm = NULL;
    port_msg msg;
    NTSTATUS status;

    make_name( name, bno_dir, "async-receive" );
    if (!(port = create_port( name, 0 ))) return;
    if (!start_client( &client, process, "async-receive", name )) goto done;
    if (!expect_msg( port, &msg, LPC_CONNECTION_REQUEST )) goto done;
    Sleep( 300 );
    status = accept_msg( port, &msg, NULL, &comm );
    ok( status == STATUS_SUCCESS, "NtAlpcAcceptConnectPort failed: %#lx\n", status );
    if (status) goto done;
    if (expect_msg( port, &msg, LPC_DATAGRAM ))
        ok( !strcmp( msg.data, "connected" ), "data %s\n", wine_dbgstr_an( msg.data, 16 ));
    send_datagram( comm, "bye" );
    expect_msg( port, &msg, LPC_PORT_CLOSED );
done:
    finish_client( &client );
    if (comm) NtClose( comm );
    NtClose( port );
}


/***********************************************************************
 * 4. Caller memory that faults, written or read by ntdll
 */

struct query_call
{
    struct pair *pair;
    port_msg    *msg;
};

/* after a query that faulted, the process can still query and receive */
static DWORD WINAPI after_fault_proc( void *arg )
{
    struct query_call *call = arg;
    char sid[SECURITY_MAX_SID_SIZE];
    port_msg msg;
    ULONG ret = 0;
    NTSTATUS status;

    status = NtAlpcQueryInformationMessage( call->pair->port, PM(call->msg), AlpcMessageSidInformation, sid,
                                            sizeof(sid), &ret );
    ok( status == STATUS_SUCCESS, "query into a good buffer: %#lx\n", status );
    ok( send_datagram( call->pair->client, "second" ) == STATUS_SUCCESS, "datagram failed\n" );
    if (expect_msg( call->pair->port, &msg, LPC_DATAGRAM ))
        ok( !strcmp( msg.data, "second" ), "data %s\n", wine_dbgstr_an( msg.data, 16 ));
    return 0;
}

static void test_query_sid_readonly(void)
{
    struct pair pair;
    struct query_call call;
    port_msg msg;
    void *readonly;
    ULONG ret = 0;
    NTSTATUS status;

    if (!(readonly = alloc_readonly())) return;
    /* a request, which the port holds until it replies (guess: a datagram is gone once received) */
    if (open_pair( &pair, "sid-readonly" ) && send_request( pair.client, "first" ) == STATUS_SUCCESS &&
        expect_msg( pair.port, &msg, LPC_REQUEST ))
    {
        status = NtAlpcQueryInformationMessage( pair.port, PM(&msg), AlpcMessageSidInformation, readonly,
                                                SECURITY_MAX_SID_SIZE, &ret );
        ok( status == STATUS_ACCESS_VIOLATION, "query into read-only memory: %#lx\n", status );
        /* nothing was left held by the fault: in a thread, as a held lock would hang */
        call.pair = &pair;
        call.msg = &msg;
        wait_thread( CreateThread( NULL, 0, after_fault_proc, &call, 0, NULL ), 2 * wait_time() );
    }
    close_pair( &pair );
    VirtualFree( readonly, 0, MEM_RELEASE );
}

/* a SID whose header is readable and whose sub-authorities run into a page that is not */
static SID *straddling_sid(void)
{
    char *pages = VirtualAlloc( NULL, 0x2000, MEM_COMMIT, PAGE_READWRITE );
    SID *sid;
    DWORD old;

    ok( pages != NULL, "VirtualAlloc failed: %lu\n", GetLastError() );
    if (!pages) return NULL;
    VirtualProtect( pages + 0x1000, 0x1000, PAGE_NOACCESS, &old );
    sid = (SID *)(pages + 0x1000 - 12);
    sid->Revision = SID_REVISION;
    sid->SubAuthorityCount = SID_MAX_SUB_AUTHORITIES;
    memset( &sid->IdentifierAuthority, 0, sizeof(sid->IdentifierAuthority) );
    sid->IdentifierAuthority.Value[5] = 5;
    return sid;
}

/* the caller's thread used to end in "partial write" while its request was written */
static void test_connect_sid_fault(void)
{
    SECURITY_QUALITY_OF_SERVICE qos = { sizeof(qos), SecurityImpersonation, SECURITY_STATIC_TRACKING, FALSE };
    static WCHAR long_name[6000];
    LARGE_INTEGER timeout;
    port_msg *readonly, msg;
    DWORD old;
    char name[MAX_PATH];
    WCHAR buffer[MAX_PATH];
    UNICODE_STRING str;
    HANDLE port, client;
    NTSTATUS status;
    unsigned int i;
    SID *sid;

    if (!(sid = straddling_sid())) return;
    make_name( name, bno_dir, "sid-fault" );
    if (!(port = create_port( name, 0 ))) return;
    status = connect_port( name, ALPC_SYNC_CONNECTION, NULL, sid, 1000, &client );
    ok( status == STATUS_ACCESS_VIOLATION, "NtAlpcConnectPort: %#lx\n", status );
    init_unicode( &str, buffer, name );
    client = NULL;
    status = NtSecureConnectPort( &client, &str, &qos, NULL, sid, NULL, NULL, NULL, NULL );
    ok( status == STATUS_ACCESS_VIOLATION, "NtSecureConnectPort: %#lx\n", status );

    /* a name long enough that the request is written in more than one piece */
    for (i = 0; i < ARRAY_SIZE(long_name); i++) long_name[i] = 'x';
    long_name[0] = '\\';
    str.Buffer = long_name;
    str.Length = str.MaximumLength = sizeof(long_name);
    status = NtAlpcConnectPort( &client, &str, NULL, NULL, ALPC_SYNC_CONNECTION, sid, NULL, NULL, NULL, NULL, NULL );
    ok( status == STATUS_ACCESS_VIOLATION, "NtAlpcConnectPort with a long name: %#lx\n", status );
    status = NtSecureConnectPort( &client, &str, &qos, NULL, sid, NULL, NULL, NULL, NULL );
    ok( status == STATUS_ACCESS_VIOLATION, "NtSecureConnectPort with a long name: %#lx\n", status );

    /* a connection message the answer cannot be written into: refused before the server hears of it */
    if ((readonly = VirtualAlloc( NULL, 0x1000, MEM_COMMIT, PAGE_READWRITE )))
    {
        set_msg( readonly, "read-only" );
        VirtualProtect( readonly, 0x1000, PAGE_READONLY, &old );
        init_unicode( &str, buffer, name );
        status = NtAlpcConnectPort( &client, &str, NULL, NULL, ALPC_SYNC_CONNECTION, NULL, PM(readonly), NULL,
                                    NULL, NULL, relative_timeout( &timeout, 1000 ));
        ok( status == STATUS_ACCESS_VIOLATION, "NtAlpcConnectPort with a read-only message: %#lx\n", status );
        status = receive_msg( port, &msg, NULL, 0 );
        ok( status == STATUS_TIMEOUT, "the server got a message of type %#x (%#lx)\n",
            status ? 0 : msg.h.u2.s2.Type, status );
        VirtualFree( readonly, 0, MEM_RELEASE );
    }
    NtClose( port );
    VirtualFree( (char *)sid - (0x1000 - 12), 0, MEM_RELEASE );
}

/* a receive whose attribute buffer faults used to take the message and lose it */
static void test_receive_readonly_attributes(void)
{
    ALPC_MESSAGE_ATTRIBUTES *readonly;
    attr_buffer buffer;
    struct pair pair;
    LARGE_INTEGER timeout;
    port_msg msg;
    SIZE_T len;
    NTSTATUS status;
    DWORD old;

    if (!(readonly = VirtualAlloc( NULL, 0x1000, MEM_COMMIT, PAGE_READWRITE ))) return;
    *readonly = *init_attrs( &buffer, ALPC_MESSAGE_CONTEXT_ATTRIBUTE | ALPC_MESSAGE_HANDLE_ATTRIBUTE );
    VirtualProtect( readonly, 0x1000, PAGE_READONLY, &old );
    if (open_pair( &pair, "recv-readonly" ) && send_datagram( pair.client, "keep me" ) == STATUS_SUCCESS)
    {
        len = sizeof(msg);
        status = NtAlpcSendWaitReceivePort( pair.port, 0, NULL, NULL, PM(&msg), &len, readonly,
                                            relative_timeout( &timeout, wait_time() ));
        ok( status == STATUS_ACCESS_VIOLATION, "receive into read-only attributes: %#lx\n", status );
        len = 3;  /* a bad length is refused before anything is taken too */
        status = NtAlpcSendWaitReceivePort( pair.port, 0, NULL, NULL, PM(&msg), &len, NULL,
                                            relative_timeout( &timeout, wait_time() ));
        ok( !NT_SUCCESS( status ), "receive with a length of 3: %#lx\n", status );
        if (expect_msg( pair.port, &msg, LPC_DATAGRAM ))
            ok( !strcmp( msg.data, "keep me" ), "data %s\n", wine_dbgstr_an( msg.data, 16 ));
    }
    close_pair( &pair );
    VirtualFree( readonly, 0, MEM_RELEASE );
}

/* the handles this process has (Wine's ProcessHandleCount is always 0) */
static ULONG count_handles(void)
{
    SYSTEM_HANDLE_INFORMATION *info;
    ULONG size = 0x100000, i, count = 0;
    NTSTATUS status;

    if (!(info = VirtualAlloc( NULL, size, MEM_COMMIT, PAGE_READWRITE ))) return 0;
    status = NtQuerySystemInformation( SystemHandleInformation, info, size, &size );
    ok( status == STATUS_SUCCESS, "NtQuerySystemInformation(SystemHandleInformation) failed: %#lx\n", status );
    for (i = 0; !status && i < info->Count; i++) if (info->Handle[i].OwnerPid == GetCurrentProcessId()) count++;
    VirtualFree( info, 0, MEM_RELEASE );
    return count;
}

/* an output that faults used to leave a port section and a section handle behind */
static void test_section_bad_output(void)
{
    ALPC_PORT_ATTRIBUTES attrs;
    ALPC_HANDLE section = NULL;
    SIZE_T actual = 0;
    UNICODE_STRING str;
    OBJECT_ATTRIBUTES attr;
    WCHAR buffer[MAX_PATH];
    char name[MAX_PATH];
    ULONG before, after;
    HANDLE port;
    NTSTATUS status;

    /* room for one section of 64k, which a leaked one would take */
    make_name( name, bno_dir, "section-output" );
    init_attr( &attr, &str, buffer, name );
    init_port_attrs( &attrs, 0 );
    attrs.MaxTotalSectionSize = 0x10000;
    status = NtAlpcCreatePort( &port, &attr, &attrs );
    ok( status == STATUS_SUCCESS, "NtAlpcCreatePort failed: %#lx\n", status );
    if (status) return;
    before = count_handles();
    status = NtAlpcCreatePortSection( port, 0, NULL, 0x10000, bad_ptr, &actual );
    ok( status == STATUS_ACCESS_VIOLATION, "bad section output: %#lx\n", status );
    status = NtAlpcCreatePortSection( port, 0, NULL, 0x10000, &section, bad_ptr );
    ok( status == STATUS_ACCESS_VIOLATION, "bad size output: %#lx\n", status );
    after = count_handles();
    ok( after == before, "%lu handles before, %lu after\n", before, after );
    status = NtAlpcCreatePortSection( port, 0, NULL, 0x10000, &section, &actual );
    ok( status == STATUS_SUCCESS, "NtAlpcCreatePortSection failed: %#lx\n", status );
    ok( actual == 0x10000, "size %#Ix\n", actual );
    if (!status) NtAlpcDeletePortSection( port, 0, section );
    NtClose( port );
}


/* An asynchronous request that is received and never answered, its port then
 * closed: wineserver used to keep it, with its thread and ports, until the next
 * send or receive of anyone, and for ever at shutdown (the harness's leak check
 * at the end of the run fails then). Found by make fuzz-syscalls. */
static void test_unanswered_async_request(void)
{
    char name[MAX_PATH];
    port_msg msg;
    HANDLE port;
    NTSTATUS status;

    make_name( name, bno_dir, "unanswered" );
    if (!(port = create_port( name, 0 ))) return;
    set_msg( &msg, "to myself" );
    /* a connection port sends to its own queue */
    status = NtAlpcSendWaitReceivePort( port, 0, PM(&msg), NULL, NULL, NULL, NULL, NULL );
    ok( status == STATUS_SUCCESS, "request failed: %#lx\n", status );
    if (!status && expect_msg( port, &msg, LPC_REQUEST ))
        ok( !strcmp( msg.data, "to myself" ), "data %s\n", wine_dbgstr_an( msg.data, 16 ));
    NtClose( port );
    check_server_alive();
}


/***********************************************************************
 * 5. A connect with an impersonation level that is none of the four
 *
 * It used to fail for the client while its request reached the server,
 * which could accept a connection nobody had.
 */

static void test_bad_impersonation_level(void)
{
    SECURITY_QUALITY_OF_SERVICE qos = { sizeof(qos), 7, SECURITY_STATIC_TRACKING, FALSE };
    ALPC_PORT_ATTRIBUTES attrs;
    UNICODE_STRING str;
    WCHAR buffer[MAX_PATH];
    char name[MAX_PATH];
    HANDLE port, client;
    port_msg msg;
    NTSTATUS status;
    int tracking;

    make_name( name, bno_dir, "imp-level" );
    if (!(port = create_port( name, 0 ))) return;
    for (tracking = 0; tracking < 2; tracking++)
    {
        init_port_attrs( &attrs, 0 );
        attrs.SecurityQos.ImpersonationLevel = 7;
        attrs.SecurityQos.ContextTrackingMode = tracking ? SECURITY_DYNAMIC_TRACKING : SECURITY_STATIC_TRACKING;
        /* guess: the level token duplication refuses */
        status = connect_port( name, ALPC_SYNC_CONNECTION, &attrs, NULL, 1000, &client );
        ok( status == STATUS_BAD_IMPERSONATION_LEVEL, "tracking %d: NtAlpcConnectPort: %#lx\n", tracking, status );
        if (NT_SUCCESS( status )) NtClose( client );
        status = connect_port( name, 0, &attrs, NULL, 1000, &client );
        ok( status == STATUS_BAD_IMPERSONATION_LEVEL, "tracking %d: asynchronous connect: %#lx\n", tracking, status );
        if (NT_SUCCESS( status )) NtClose( client );
    }
    init_unicode( &str, buffer, name );
    client = NULL;
    status = NtConnectPort( &client, &str, &qos, NULL, NULL, NULL, NULL, NULL );
    ok( status == STATUS_BAD_IMPERSONATION_LEVEL, "NtConnectPort: %#lx\n", status );
    if (NT_SUCCESS( status )) NtClose( client );

    /* the server never heard of them */
    status = receive_msg( port, &msg, NULL, 0 );
    ok( status == STATUS_TIMEOUT, "the server got a message of type %#x (%#lx)\n",
        status ? 0 : msg.h.u2.s2.Type, status );
    NtClose( port );
}


/***********************************************************************
 * 6. Requests a hostile process sends to wineserver by hand
 *
 * ntdll never sends these; any process can.  wineserver must check them
 * itself.
 */

/* The server of an LPC connection names, in alpc_accept_views, the address
 * of its view in the client, which wineserver unmaps there at close.  The
 * client asked for no server view: the address must be refused, and the
 * client's memory left alone. */
static void test_raw_accept_views(void)
{
    struct client client;
    char name[MAX_PATH];
    MEMORY_BASIC_INFORMATION info;
    LARGE_INTEGER size;
    HANDLE port, comm, section;
    SIZE_T view_size = 0;
    void *view = NULL;
    NTSTATUS status;

    size.QuadPart = 0x10000;
    status = NtCreateSection( &section, SECTION_ALL_ACCESS, NULL, &size, PAGE_READWRITE, SEC_COMMIT, NULL );
    ok( status == STATUS_SUCCESS, "NtCreateSection failed: %#lx\n", status );
    if (status) return;
    status = NtMapViewOfSection( section, GetCurrentProcess(), &view, 0, 0, NULL, &view_size, ViewUnmap, 0,
                                 PAGE_READWRITE );
    ok( status == STATUS_SUCCESS, "NtMapViewOfSection failed: %#lx\n", status );
    NtClose( section );
    if (status) return;

    make_name( name, bno_dir, "raw-views" );
    if ((port = lpc_accept_thread( name, &client, &comm )))
    {
        if (comm)
        {
            SERVER_START_REQ( alpc_accept_views )
            {
                req->handle        = wine_server_obj_handle( comm );
                req->server_remote = wine_server_client_ptr( view );
                req->server_size   = view_size;
                status = wine_server_call( req );
            }
            SERVER_END_REQ;
            ok( status == STATUS_INVALID_PARAMETER, "alpc_accept_views: %#lx\n", status );
            /* nor an address in its own process that is no view */
            SERVER_START_REQ( alpc_accept_views )
            {
                req->handle      = wine_server_obj_handle( comm );
                req->server_view = wine_server_client_ptr( &info );
                status = wine_server_call( req );
            }
            SERVER_END_REQ;
            ok( status == STATUS_INVALID_PARAMETER, "alpc_accept_views of the stack: %#lx\n", status );
            status = NtCompleteConnectPort( comm );
            ok( status == STATUS_SUCCESS, "NtCompleteConnectPort failed: %#lx\n", status );
            NtClose( comm );
        }
        lpc_finish( port, &client );
    }
    check_server_alive();  /* the ports are gone, with whatever views they had */
    memset( &info, 0, sizeof(info) );
    VirtualQuery( view, &info, sizeof(info) );
    ok( info.State == MEM_COMMIT && info.Type == MEM_MAPPED, "the view is gone: state %#lx type %#lx\n",
        info.State, info.Type );
    NtUnmapViewOfSection( GetCurrentProcess(), view );
}

/* requests whose lengths and counts disagree with their data */
static void test_raw_lengths(void)
{
    LARGE_INTEGER size;
    HANDLE section;
    struct pair pair;
    char data[64];
    NTSTATUS status;

    if (!open_pair( &pair, "raw-lengths" )) goto done;
    memset( data, 0, sizeof(data) );
    SERVER_START_REQ( alpc_send_message )
    {
        req->handle    = wine_server_obj_handle( pair.client );
        req->type      = LPC_DATAGRAM;
        req->data_size = 0x8000;  /* more than the request carries */
        req->total_len = 0x8000 + HDR_SIZE;
        wine_server_add_data( req, data, sizeof(data) );
        status = wine_server_call( req );
    }
    SERVER_END_REQ;
    ok( status == STATUS_INVALID_PARAMETER, "alpc_send_message: %#lx\n", status );
    SERVER_START_REQ( alpc_send_message )
    {
        req->handle    = wine_server_obj_handle( pair.client );
        req->type      = LPC_DATAGRAM;
        req->data_size = 8;       /* followed by an attribute description that is cut short */
        req->total_len = 8 + HDR_SIZE;
        wine_server_add_data( req, data, 8 + 4 );
        status = wine_server_call( req );
    }
    SERVER_END_REQ;
    ok( status == STATUS_INVALID_PARAMETER, "alpc_send_message with a short attribute block: %#lx\n", status );
    SERVER_START_REQ( alpc_accept_connect )
    {
        req->port      = wine_server_obj_handle( pair.port );
        req->msg_id    = 1;
        req->info_size = 0x4000;
        req->accept    = TRUE;
        wine_server_add_data( req, data, sizeof(data) );
        status = wine_server_call( req );
    }
    SERVER_END_REQ;
    ok( !NT_SUCCESS( status ), "alpc_accept_connect: %#lx\n", status );

    /* a port section whose size would wrap the port's total around */
    size.QuadPart = 0x10000;
    status = NtCreateSection( &section, SECTION_ALL_ACCESS, NULL, &size, PAGE_READWRITE, SEC_COMMIT, NULL );
    ok( status == STATUS_SUCCESS, "NtCreateSection failed: %#lx\n", status );
    if (!status)
    {
        ALPC_HANDLE first = NULL;
        SIZE_T actual;

        status = NtAlpcCreatePortSection( pair.comm, 0, section, 0x1000, &first, &actual );
        ok( status == STATUS_SUCCESS, "NtAlpcCreatePortSection: %#lx\n", status );
        SERVER_START_REQ( alpc_set_limits )
        {
            req->handle    = wine_server_obj_handle( pair.comm );
            req->max_total = 0x10000;
            wine_server_call( req );
        }
        SERVER_END_REQ;
        SERVER_START_REQ( alpc_create_section )
        {
            req->handle  = wine_server_obj_handle( pair.comm );
            req->section = wine_server_obj_handle( section );
            req->size    = ~(mem_size_t)0 - 0x800;
            status = wine_server_call( req );
        }
        SERVER_END_REQ;
        ok( status == STATUS_QUOTA_EXCEEDED, "alpc_create_section of a wrapping size: %#lx\n", status );
        NtClose( section );
    }
    check_server_alive();
done:
    close_pair( &pair );
}


#if defined(__x86_64__)
/* a Linux system call, as a hostile process can make one */
static long linux_syscall2( long nr, long a, long b )
{
    long ret;

    __asm__ __volatile__( "syscall" : "=a" (ret) : "a" (nr), "D" (a), "S" (b) : "rcx", "r11", "memory" );
    return ret;
}
#endif

static DWORD WINAPI wake_receiver_proc( void *arg )
{
    port_msg msg;

    if (expect_msg( arg, &msg, LPC_DATAGRAM ))
        ok( !strcmp( msg.data, "after-resize" ), "data %s\n", wine_dbgstr_an( msg.data, 16 ));
    return 0;
}

/* The fast path's futex words live in an area that wineserver maps too and
 * hands to the process as a file.  Shrinking that file made wineserver's next
 * delivery into the area fault (SIGBUS): it must not change size. */
static void test_raw_wake_area(void)
{
    FILE_END_OF_FILE_INFORMATION eof;
    IO_STATUS_BLOCK io;
    struct pair pair;
    HANDLE file = NULL, thread;
    NTSTATUS status;

    SERVER_START_REQ( alpc_get_wake_slot )
    {
        if (!(status = wine_server_call( req ))) file = wine_server_ptr_handle( reply->handle );
    }
    SERVER_END_REQ;
    ok( status == STATUS_SUCCESS, "alpc_get_wake_slot: %#lx\n", status );
    if (!file) return;
    eof.EndOfFile.QuadPart = 0;
    status = NtSetInformationFile( file, &io, &eof, sizeof(eof), FileEndOfFileInformation );
    ok( status != STATUS_SUCCESS, "the area was shrunk\n" );
#if defined(__x86_64__)
    {
        int fd;

        /* a process can also ask for the Unix fd and truncate it itself: the
         * ftruncate system call, made directly, must fail */
        if (!wine_server_handle_to_fd( file, FILE_WRITE_DATA, &fd, NULL ))
        {
            ok( linux_syscall2( 77 /* __NR_ftruncate */, fd, 0 ) < 0, "the area's file was truncated\n" );
            linux_syscall2( 3 /* __NR_close */, fd, 0 );
        }
    }
#endif
    NtClose( file );

    if (open_pair( &pair, "raw-wake" ))
    {
        /* a receiver asleep on its word, so that the datagram is delivered into the area */
        thread = CreateThread( NULL, 0, wake_receiver_proc, pair.port, 0, NULL );
        Sleep( 200 );
        ok( send_datagram( pair.client, "after-resize" ) == STATUS_SUCCESS, "datagram failed\n" );
        ok( !WaitForSingleObject( thread, 4 * wait_time() ), "the receiver did not return\n" );
        CloseHandle( thread );
    }
    check_server_alive();
    close_pair( &pair );
}

static const struct client_scenario client_scenarios[] =
{
    { "connect-ping", client_connect_ping },
    { "async-receive", client_async_receive },
    { "lpc-connect", client_lpc_connect },
};

static void run_client( const char *scenario, const char *port )
{
    run_client_scenario( client_scenarios, ARRAY_SIZE(client_scenarios), scenario, port );
}

/* "robust NAME" runs one scenario, as a regression is looked into by hand */
static BOOL wanted( int argc, const char *name )
{
    return argc < 3 || !strcmp( test_argv[2], name );
}

START_TEST(robust)
{
    int argc = winetest_get_mainargs( &test_argv ), process;

    bad_ptr = VirtualAlloc( NULL, 0x10000, MEM_RESERVE, PAGE_NOACCESS );
    ok( bad_ptr != NULL, "VirtualAlloc failed: %lu\n", GetLastError() );
    if (argc >= 5 && !strcmp( test_argv[2], "client" ))
    {
        start_watchdog( 60000 );
        run_client( test_argv[3], test_argv[4] );
        return;
    }
    start_watchdog( 150000 );

#define RUN(name, call) do { if (wanted( argc, name ) && !too_many_timeouts()) call; } while (0)
    for (process = 0; process < 2; process++)
    {
        winetest_push_context( process ? "process" : "thread" );
        RUN( "accept", test_accept_unattachable( process ) );
        RUN( "async", test_async_connect_receive( process ) );
        winetest_pop_context();
    }
    RUN( "close", test_close_while_waiting() );
    RUN( "sid", test_query_sid_readonly() );
    RUN( "connect-sid", test_connect_sid_fault() );
    RUN( "receive-attrs", test_receive_readonly_attributes() );
    RUN( "section", test_section_bad_output() );
    RUN( "unanswered", test_unanswered_async_request() );
    RUN( "imp-level", test_bad_impersonation_level() );
    RUN( "raw-views", test_raw_accept_views() );
    RUN( "raw-lengths", test_raw_lengths() );
    RUN( "raw-wake-area", test_raw_wake_area() );
#undef RUN
}
