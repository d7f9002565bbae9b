/*
 * Legacy LPC ports: creation, connection, messages, death and handles,
 * across threads and across processes
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
 * Most scenarios run twice: once with the client in a second thread of this
 * process, once with the client in a child process ("lpc client SCENARIO
 * PORTNAME"), which reports through its own ok() calls and its exit code.
 * The client scripts are the same functions in both cases.  A few scenarios
 * put the server in the child instead ("lpc server SCENARIO PORTNAME").
 *
 * Nothing here may block without a bound: the server side only receives with
 * NtReplyWaitReceivePortEx and a timeout, calls that block by design
 * (NtConnectPort, NtListenPort, NtReplyWaitReceivePort, NtRequestWaitReplyPort)
 * run in threads or children that are waited for with a timeout and killed
 * when it runs out.  After the first timeout later waits are shortened and
 * after a few no new scenario starts, so a broken implementation fails
 * quickly instead of running into the harness' timeout; a watchdog thread
 * ends the program (and each child) should a wait have no bound after all.
 *
 * Where a check relies on behaviour that no test run on Windows shows, its
 * comment says "guess" and docs/unverified-behaviour.md lists the choice
 * ("Legacy LPC").  Checks without that mark are either shown by Wine's own
 * dlls/ntdll/tests/port.c, which Wine's testbot runs on Windows, or plain
 * object manager behaviour.
 */

#include <ctype.h>
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
#define PORT_TEST_PROGRAM "lpc"
#define PORT_TEST_PREFIX "lpc"
#define PORT_TEST_CHECK_START
#include "port_test.h"

/* Limits of the ports of this test: MaxMessageLength is a total length,
 * header included. */
#define MAX_MESSAGE_LENGTH 0x148
#define MAX_INFO_LENGTH    0x100

/* the largest values NtCreatePort takes on x64 (guess: phnt names
 * PORT_MAXIMUM_MESSAGE_LENGTH and LPC_MAX_CONNECTION_INFO_SIZE but not these
 * bounds; the x86 values are 0x14c and 0x108) */
#define LPC_MAX_MESSAGE_LENGTH (sizeof(void *) == 8 ? 0x288 : 0x14c)
#define LPC_MAX_INFO_LENGTH    (sizeof(void *) == 8 ? 0x208 : 0x108)

typedef struct
{
    TEST_PORT_MESSAGE h;
    char data[0x400];   /* room for any message and connection request */
} lpc_msg;

/* what a sender writes into CallbackId, with port_test.h's FORGED_* */
#define FORGED_CALLBACK 0xbeef

static const char rpc_dir[] = "\\RPC Control";
static const char client_info[] = "client-hello, a longer connection information";
static const char accept_info[] = "accepted";

static NTSTATUS (WINAPI *pNtCreatePort)(HANDLE *, OBJECT_ATTRIBUTES *, ULONG, ULONG, ULONG);
static NTSTATUS (WINAPI *pNtCreateWaitablePort)(HANDLE *, OBJECT_ATTRIBUTES *, ULONG, ULONG, ULONG);
static NTSTATUS (WINAPI *pNtConnectPort)(HANDLE *, UNICODE_STRING *, SECURITY_QUALITY_OF_SERVICE *,
                                         PORT_VIEW *, REMOTE_PORT_VIEW *, ULONG *, void *, ULONG *);
static NTSTATUS (WINAPI *pNtListenPort)(HANDLE, TEST_PORT_MESSAGE *);
/* Wine 8.0's winternl.h declares PortContext as a ULONG: use Windows' prototype */
static NTSTATUS (WINAPI *pNtAcceptConnectPort)(HANDLE *, void *, TEST_PORT_MESSAGE *, BOOLEAN,
                                               PORT_VIEW *, REMOTE_PORT_VIEW *);
static NTSTATUS (WINAPI *pNtCompleteConnectPort)(HANDLE);
static NTSTATUS (WINAPI *pNtRequestPort)(HANDLE, TEST_PORT_MESSAGE *);
static NTSTATUS (WINAPI *pNtRequestWaitReplyPort)(HANDLE, TEST_PORT_MESSAGE *, TEST_PORT_MESSAGE *);
static NTSTATUS (WINAPI *pNtReplyPort)(HANDLE, TEST_PORT_MESSAGE *);
static NTSTATUS (WINAPI *pNtReplyWaitReceivePort)(HANDLE, void **, TEST_PORT_MESSAGE *, TEST_PORT_MESSAGE *);
static NTSTATUS (WINAPI *pNtReplyWaitReceivePortEx)(HANDLE, void **, TEST_PORT_MESSAGE *, TEST_PORT_MESSAGE *,
                                                    LARGE_INTEGER *);
static NTSTATUS (WINAPI *pNtRegisterThreadTerminatePort)(HANDLE);
static NTSTATUS (WINAPI *pNtQueryInformationPort)(HANDLE, ULONG, void *, ULONG, ULONG *);
static NTSTATUS (WINAPI *pNtQueryPortInformationProcess)(void);

static BOOL running_in_child;
static void *bad_ptr;       /* reserved, never committed: every access faults */

static BOOL init_functions(void)
{
    HMODULE ntdll = GetModuleHandleA( "ntdll.dll" );
    BOOL ret = TRUE;

#define GET_PROC(name) \
    p##name = (void *)GetProcAddress( ntdll, #name ); \
    ok( p##name != NULL, #name " is not exported\n" ); \
    if (!p##name) ret = FALSE;

    GET_PROC(NtCreatePort);
    GET_PROC(NtCreateWaitablePort);
    GET_PROC(NtConnectPort);
    GET_PROC(NtListenPort);
    GET_PROC(NtAcceptConnectPort);
    GET_PROC(NtCompleteConnectPort);
    GET_PROC(NtRequestPort);
    GET_PROC(NtRequestWaitReplyPort);
    GET_PROC(NtReplyPort);
    GET_PROC(NtReplyWaitReceivePort);
    GET_PROC(NtReplyWaitReceivePortEx);
    GET_PROC(NtRegisterThreadTerminatePort);
    GET_PROC(NtQueryInformationPort);
    GET_PROC(NtQueryPortInformationProcess);
#undef GET_PROC
    return ret;
}


/***********************************************************************
 * Names, messages, small helpers
 */

static void init_qos( SECURITY_QUALITY_OF_SERVICE *qos )
{
    qos->Length = sizeof(*qos);
    qos->ImpersonationLevel = SecurityImpersonation;
    qos->ContextTrackingMode = SECURITY_STATIC_TRACKING;
    qos->EffectiveOnly = TRUE;
}

/* the client's side of a create_event() event */
static HANDLE open_event( const char *port_name, const char *suffix )
{
    char name[MAX_PATH];

    sprintf( name, "%s-%s", leaf( port_name ), suffix );
    return OpenEventA( EVENT_MODIFY_STATE | SYNCHRONIZE, FALSE, name );
}

/* a message carrying text, with a clean header */
static void set_msg( lpc_msg *msg, const char *text )
{
    SHORT len = strlen( text ) + 1;

    memset( &msg->h, 0, sizeof(msg->h) );
    msg->h.u1.s1.DataLength = len;
    msg->h.u1.s1.TotalLength = HDR_SIZE + len;
    memcpy( msg->data, text, len );
}

/* a reply to a received message: its ids, new data */
static void make_reply( lpc_msg *reply, const lpc_msg *request, const char *text )
{
    SHORT len = strlen( text ) + 1;

    reply->h = request->h;
    reply->h.u1.s1.DataLength = len;
    reply->h.u1.s1.TotalLength = HDR_SIZE + len;
    memcpy( reply->data, text, len );
}

/* junk in every field the kernel fills */
static void forge_header( TEST_PORT_MESSAGE *h, SHORT type )
{
    h->u2.s2.Type = type;
    h->ClientId.UniqueProcess = FORGED_PROCESS;
    h->ClientId.UniqueThread = FORGED_THREAD;
    h->MessageId = FORGED_ID;
    h->CallbackId = FORGED_CALLBACK;
}

static size_t msg_size( const lpc_msg *msg )
{
    return HDR_SIZE + msg->h.u1.s1.DataLength;
}

#define check_data(msg, text) check_data_(__FILE__, __LINE__, msg, text)
static void check_data_( const char *file, int line, const lpc_msg *msg, const char *text )
{
    SHORT len = strlen( text ) + 1;

    ok_(file, line)( msg->h.u1.s1.DataLength == len, "DataLength %d, expected %d\n",
                     msg->h.u1.s1.DataLength, len );
    ok_(file, line)( msg->h.u1.s1.TotalLength == HDR_SIZE + len, "TotalLength %d, expected %d\n",
                     msg->h.u1.s1.TotalLength, HDR_SIZE + len );
    ok_(file, line)( msg->h.u1.s1.DataLength == len && !memcmp( msg->data, text, len ),
                     "data %s, expected %s\n", wine_dbgstr_an( msg->data, min( msg->h.u1.s1.DataLength, 64 )), text );
}

#define create_port(n, w, i, m) create_port_(__FILE__, __LINE__, n, w, i, m)
static HANDLE create_port_( const char *file, int line, const char *name, BOOL waitable,
                            ULONG max_info, ULONG max_msg )
{
    UNICODE_STRING str;
    OBJECT_ATTRIBUTES attr;
    WCHAR buffer[MAX_PATH];
    HANDLE port = NULL;
    NTSTATUS status;

    init_attr( &attr, &str, buffer, name );
    if (waitable) status = pNtCreateWaitablePort( &port, &attr, max_info, max_msg, 0 );
    else status = pNtCreatePort( &port, &attr, max_info, max_msg, 0 );
    ok_(file, line)( status == STATUS_SUCCESS, "NtCreate%sPort(%s) failed: %#lx\n", waitable ? "Waitable" : "",
                     name ? name : "unnamed", status );
    ok_(file, line)( status || port != NULL, "no handle\n" );
    return status ? NULL : port;
}

/* waits for the next message: NtReplyWaitReceivePortEx with a timeout */
static NTSTATUS receive_msg( HANDLE port, void **context, lpc_msg *msg, DWORD ms )
{
    LARGE_INTEGER timeout;
    NTSTATUS status;

    memset( msg, 0xcc, sizeof(*msg) );
    if (context) *context = (void *)0xdeadbeef;
    status = pNtReplyWaitReceivePortEx( port, context, NULL, &msg->h, relative_timeout( &timeout, ms ));
    if (status == STATUS_TIMEOUT) note_timeout();
    return status;
}

/* receives until a message of this type arrives; anything else is a failure */
#define expect_msg(p, c, m, t) expect_msg_(__FILE__, __LINE__, p, c, m, t, wait_time())
static BOOL expect_msg_( const char *file, int line, HANDLE port, void **context, lpc_msg *msg, int type, DWORD ms )
{
    NTSTATUS status;
    int i;

    for (i = 0; i < 8; i++)
    {
        status = receive_msg( port, context, msg, ms );
        ok_(file, line)( status == STATUS_SUCCESS, "waiting for a message of type %d: %#lx\n", type, status );
        if (status) return FALSE;
        ok_(file, line)( msg->h.u1.s1.TotalLength == HDR_SIZE + msg->h.u1.s1.DataLength,
                         "type %d: DataLength %d, TotalLength %d\n", msg->h.u2.s2.Type,
                         msg->h.u1.s1.DataLength, msg->h.u1.s1.TotalLength );
        if ((msg->h.u2.s2.Type & 0xff) == type) return TRUE;
        ok_(file, line)( 0, "expected a message of type %d, got type %#x with data %s\n", type,
                         msg->h.u2.s2.Type, wine_dbgstr_an( msg->data, min( max( msg->h.u1.s1.DataLength, 0 ), 32 )));
        /* a stray request or connection must not leave its sender blocked */
        if ((msg->h.u2.s2.Type & 0xff) == LPC_REQUEST)
        {
            lpc_msg reply;
            make_reply( &reply, msg, "unexpected" );
            pNtReplyPort( port, &reply.h );
        }
        else if ((msg->h.u2.s2.Type & 0xff) == LPC_CONNECTION_REQUEST)
        {
            HANDLE comm;
            pNtAcceptConnectPort( &comm, NULL, &msg->h, FALSE, NULL, NULL );
        }
    }
    return FALSE;
}

/* nothing is queued on the port */
#define expect_no_msg(p, ms) expect_no_msg_(__FILE__, __LINE__, p, ms)
static void expect_no_msg_( const char *file, int line, HANDLE port, DWORD ms )
{
    LARGE_INTEGER timeout;
    NTSTATUS status;
    lpc_msg msg;

    memset( &msg, 0xcc, sizeof(msg) );
    status = pNtReplyWaitReceivePortEx( port, NULL, NULL, &msg.h, relative_timeout( &timeout, ms ));
    ok_(file, line)( status == STATUS_TIMEOUT, "expected STATUS_TIMEOUT, got %#lx (message type %#x)\n", status,
                     status ? 0 : msg.h.u2.s2.Type );
}

/* empties the port's queue */
static void drain( HANDLE port )
{
    LARGE_INTEGER timeout;
    lpc_msg msg;
    int i;

    for (i = 0; i < 16; i++)
        if (pNtReplyWaitReceivePortEx( port, NULL, NULL, &msg.h, relative_timeout( &timeout, 100 ))) break;
}


/***********************************************************************
 * Blocking calls, run in threads of the server process
 */

struct connect_call
{
    char     name[MAX_PATH];
    char     info[64];
    ULONG    info_len;
    ULONG    max_len;
    HANDLE   port;
    NTSTATUS status;
};

static DWORD WINAPI connect_proc( void *arg )
{
    struct connect_call *call = arg;
    SECURITY_QUALITY_OF_SERVICE qos;
    UNICODE_STRING str;
    WCHAR buffer[MAX_PATH];

    init_unicode( &str, buffer, call->name );
    init_qos( &qos );
    call->port = NULL;
    call->status = pNtConnectPort( &call->port, &str, &qos, NULL, NULL, &call->max_len,
                                   call->info_len ? call->info : NULL, call->info_len ? &call->info_len : NULL );
    return 0;
}

static HANDLE start_connect( struct connect_call *call, const char *name )
{
    HANDLE thread;

    memset( call, 0, sizeof(*call) );
    strcpy( call->name, name );
    call->status = 0xdeadbeef;
    thread = CreateThread( NULL, 0, connect_proc, call, 0, NULL );
    ok( thread != NULL, "CreateThread failed: %lu\n", GetLastError() );
    return thread;
}

struct receive_call
{
    HANDLE   port;
    BOOL     listen;     /* NtListenPort instead of NtReplyWaitReceivePort */
    void    *context;
    lpc_msg *reply;
    lpc_msg *buffer;     /* &msg, or NULL */
    lpc_msg  msg;
    NTSTATUS status;
};

static DWORD WINAPI receive_proc( void *arg )
{
    struct receive_call *call = arg;
    TEST_PORT_MESSAGE *h = call->buffer ? &call->buffer->h : NULL;

    memset( &call->msg, 0xcc, sizeof(call->msg) );
    if (call->listen) call->status = pNtListenPort( call->port, h );
    else call->status = pNtReplyWaitReceivePort( call->port, &call->context, call->reply ? &call->reply->h : NULL, h );
    return 0;
}

/* NtListenPort, or NtReplyWaitReceivePort with an optional reply, into call->msg or NULL */
static HANDLE start_receive( struct receive_call *call, HANDLE port, BOOL listen, lpc_msg *reply, BOOL null_buffer )
{
    HANDLE thread;

    call->port = port;
    call->listen = listen;
    call->context = (void *)0xdeadbeef;
    call->reply = reply;
    call->buffer = null_buffer ? NULL : &call->msg;
    call->status = 0xdeadbeef;
    thread = CreateThread( NULL, 0, receive_proc, call, 0, NULL );
    ok( thread != NULL, "CreateThread failed: %lu\n", GetLastError() );
    return thread;
}

/* a connection within this process: server port, its communication port, client port */
struct pair
{
    char   name[MAX_PATH];
    HANDLE server;
    HANDLE comm;
    HANDLE client;
    void  *context;
};

static void close_pair( struct pair *p )
{
    if (p->client) NtClose( p->client );
    if (p->comm) NtClose( p->comm );
    if (p->server) NtClose( p->server );
    p->client = p->comm = p->server = NULL;
}

#define make_pair(p, t) make_pair_(__FILE__, __LINE__, p, t)
static BOOL make_pair_( const char *file, int line, struct pair *p, const char *tag )
{
    struct connect_call call;
    NTSTATUS status;
    HANDLE thread;
    lpc_msg msg;
    void *context;

    memset( p, 0, sizeof(*p) );
    make_name( p->name, bno_dir, tag );
    p->context = (void *)(ULONG_PTR)(0xc0de0000 + name_counter);
    if (!(p->server = create_port_( file, line, p->name, FALSE, MAX_INFO_LENGTH, MAX_MESSAGE_LENGTH ))) return FALSE;

    thread = start_connect( &call, p->name );
    if (expect_msg_( file, line, p->server, &context, &msg, LPC_CONNECTION_REQUEST, wait_time() ))
    {
        status = pNtAcceptConnectPort( &p->comm, p->context, &msg.h, TRUE, NULL, NULL );
        ok_(file, line)( status == STATUS_SUCCESS, "NtAcceptConnectPort failed: %#lx\n", status );
        if (!status)
        {
            status = pNtCompleteConnectPort( p->comm );
            ok_(file, line)( status == STATUS_SUCCESS, "NtCompleteConnectPort failed: %#lx\n", status );
        }
        else p->comm = NULL;
    }
    /* closing the port wakes a client that nobody accepted */
    if (!p->comm) close_pair( p );
    wait_thread_( file, line, thread, wait_time() );
    ok_(file, line)( !p->comm || call.status == STATUS_SUCCESS, "NtConnectPort failed: %#lx\n", call.status );
    if (p->comm && call.status == STATUS_SUCCESS)
    {
        p->client = call.port;
        return TRUE;
    }
    close_pair( p );
    return FALSE;
}


/***********************************************************************
 * Clients: a thread of this process or a child process
 */

/* the client side is port_test.h's; a few scenarios put the server in a child */
static void run_server( const char *scenario, const char *port );

/* connect as a client script does; tells the server through the "connected" event */
#define client_connect(n, i, r) client_connect_(__FILE__, __LINE__, n, i, r)
static HANDLE client_connect_( const char *file, int line, const char *name, const char *info,
                               const char *expect_info )
{
    SECURITY_QUALITY_OF_SERVICE qos;
    UNICODE_STRING str;
    WCHAR buffer[MAX_PATH];
    char data[128];
    ULONG len = 0, max_len = 0xdeadbeef;
    HANDLE port = NULL, connected;
    NTSTATUS status;

    init_unicode( &str, buffer, name );
    init_qos( &qos );
    if (info)
    {
        len = strlen( info ) + 1;
        memset( data, 0xcc, sizeof(data) );
        memcpy( data, info, len );
    }
    connected = open_event( name, "connected" );
    status = pNtConnectPort( &port, &str, &qos, NULL, NULL, &max_len, info ? data : NULL, info ? &len : NULL );
    if (connected)
    {
        SetEvent( connected );
        CloseHandle( connected );
    }
    ok_(file, line)( status == STATUS_SUCCESS, "NtConnectPort(%s) failed: %#lx\n", name, status );
    if (status) return NULL;
    ok_(file, line)( port != NULL, "no port handle\n" );
    /* guess: the MaxMessageLength the connection port was created with comes back */
    ok_(file, line)( max_len == MAX_MESSAGE_LENGTH, "MaxMessageLength %#lx\n", max_len );
    if (expect_info)
    {
        ok_(file, line)( len == strlen( expect_info ) + 1, "connection information length %lu\n", len );
        ok_(file, line)( !memcmp( data, expect_info, strlen( expect_info ) + 1 ), "connection information %s\n",
                         wine_dbgstr_an( data, min( len, sizeof(data) )));
    }
    return port;
}


/***********************************************************************
 * Server side of a connection with a client thread or process
 */

struct session
{
    char   name[MAX_PATH];
    HANDLE port;        /* connection port */
    HANDLE comm;        /* server communication port */
    HANDLE go;          /* the client waits for this one */
    HANDLE connected;   /* the client's NtConnectPort returned */
    void  *context;
    struct client client;
};

static BOOL session_init( struct session *s, const char *scenario, BOOL waitable )
{
    memset( s, 0, sizeof(*s) );
    make_name( s->name, bno_dir, scenario );
    s->context = (void *)(ULONG_PTR)(0x5e550000 + name_counter);
    s->go = create_event( s->name, "go" );
    s->connected = create_event( s->name, "connected" );
    s->port = create_port( s->name, waitable, MAX_INFO_LENGTH, MAX_MESSAGE_LENGTH );
    return s->port != NULL;
}

static BOOL session_start( struct session *s, const char *scenario, BOOL process, BOOL waitable )
{
    if (!session_init( s, scenario, waitable )) return FALSE;
    return start_client( &s->client, process, scenario, s->name );
}

/* receives the client's connection request, checks it and accepts it */
#define session_accept(s, i, r) session_accept_(__FILE__, __LINE__, s, i, r)
static BOOL session_accept_( const char *file, int line, struct session *s, const char *info, const char *reply )
{
    NTSTATUS status;
    lpc_msg msg;
    void *context;
    SHORT len;

    /* a child process has to start first */
    if (!expect_msg_( file, line, s->port, &context, &msg, LPC_CONNECTION_REQUEST, 2 * wait_time() )) return FALSE;
    ok_(file, line)( msg.h.u2.s2.Type == LPC_CONNECTION_REQUEST, "type %#x\n", msg.h.u2.s2.Type );
    check_sender_( file, line, &msg.h, s->client.pid, s->client.tid );
    ok_(file, line)( msg.h.MessageId != 0, "no MessageId\n" );
    /* guess: connection requests come with a NULL port context */
    ok_(file, line)( context == NULL, "port context %p\n", context );
    if (info) check_data_( file, line, &msg, info );
    /* without connection information the request has no data (Wine port.c test:
     * its first byte is 0; guess: DataLength is 0) */
    else ok_(file, line)( !msg.h.u1.s1.DataLength, "DataLength %d\n", msg.h.u1.s1.DataLength );
    ok_(file, line)( WaitForSingleObject( s->connected, 0 ) == WAIT_TIMEOUT, "NtConnectPort did not wait\n" );

    /* the data of the accepted request is what the client gets back */
    len = reply ? strlen( reply ) + 1 : 0;
    msg.h.u1.s1.DataLength = len;
    msg.h.u1.s1.TotalLength = HDR_SIZE + len;
    if (reply) memcpy( msg.data, reply, len );
    status = pNtAcceptConnectPort( &s->comm, s->context, &msg.h, TRUE, NULL, NULL );
    ok_(file, line)( status == STATUS_SUCCESS, "NtAcceptConnectPort failed: %#lx\n", status );
    if (status)
    {
        s->comm = NULL;
        return FALSE;
    }
    ok_(file, line)( s->comm != NULL, "no communication port\n" );
    /* guess: the client wakes up in NtCompleteConnectPort, not before */
    ok_(file, line)( WaitForSingleObject( s->connected, 50 ) == WAIT_TIMEOUT,
                     "NtConnectPort returned before NtCompleteConnectPort\n" );
    status = pNtCompleteConnectPort( s->comm );
    ok_(file, line)( status == STATUS_SUCCESS, "NtCompleteConnectPort failed: %#lx\n", status );
    if (status) return FALSE;
    if (WaitForSingleObject( s->connected, wait_time() ))
    {
        note_timeout();
        ok_(file, line)( 0, "NtConnectPort did not return after NtCompleteConnectPort\n" );
        return FALSE;
    }
    return TRUE;
}

static void session_end( struct session *s )
{
    finish_client( &s->client );
    if (s->comm) NtClose( s->comm );
    if (s->port) NtClose( s->port );
    s->comm = s->port = NULL;
    close_handle( &s->go );
    close_handle( &s->connected );
}


/***********************************************************************
 * 1. NtCreatePort and NtCreateWaitablePort
 */

static void test_create_port(void)
{
    char name[MAX_PATH], rpc_name[MAX_PATH], upper[MAX_PATH];
    UNICODE_STRING str;
    OBJECT_ATTRIBUTES attr;
    WCHAR buffer[MAX_PATH];
    HANDLE port, rpc_port, other, unnamed, unnamed2;
    NTSTATUS status;
    char *p;

    make_name( name, bno_dir, "create" );
    port = create_port( name, FALSE, MAX_INFO_LENGTH, MAX_MESSAGE_LENGTH );
    if (!port) return;
    check_port_type( port );
    check_in_directory( bno_dir, leaf( name ), TRUE );

    init_attr( &attr, &str, buffer, name );
    other = (HANDLE)0xdeadbeef;
    status = pNtCreatePort( &other, &attr, MAX_INFO_LENGTH, MAX_MESSAGE_LENGTH, 0 );
    ok( status == STATUS_OBJECT_NAME_COLLISION, "NtCreatePort: %#lx\n", status );
    if (!status) NtClose( other );
    status = pNtCreateWaitablePort( &other, &attr, MAX_INFO_LENGTH, MAX_MESSAGE_LENGTH, 0 );
    ok( status == STATUS_OBJECT_NAME_COLLISION, "NtCreateWaitablePort: %#lx\n", status );
    if (!status) NtClose( other );

    /* names are compared without case when OBJ_CASE_INSENSITIVE is given */
    strcpy( upper, name );
    for (p = upper + strlen( bno_dir ); *p; p++) *p = toupper( (unsigned char)*p );
    init_attr( &attr, &str, buffer, upper );
    attr.Attributes = OBJ_CASE_INSENSITIVE;
    status = pNtCreatePort( &other, &attr, MAX_INFO_LENGTH, MAX_MESSAGE_LENGTH, 0 );
    ok( status == STATUS_OBJECT_NAME_COLLISION, "NtCreatePort(%s): %#lx\n", upper, status );
    if (!status) NtClose( other );

    /* local RPC's directory */
    make_name( rpc_name, rpc_dir, "create" );
    rpc_port = create_port( rpc_name, TRUE, MAX_INFO_LENGTH, MAX_MESSAGE_LENGTH );
    if (rpc_port)
    {
        check_port_type( rpc_port );
        check_in_directory( rpc_dir, leaf( rpc_name ), TRUE );
        init_attr( &attr, &str, buffer, rpc_name );
        status = pNtCreatePort( &other, &attr, MAX_INFO_LENGTH, MAX_MESSAGE_LENGTH, 0 );
        ok( status == STATUS_OBJECT_NAME_COLLISION, "NtCreatePort(%s): %#lx\n", rpc_name, status );
        if (!status) NtClose( other );
        NtClose( rpc_port );
        check_in_directory( rpc_dir, leaf( rpc_name ), FALSE );
    }

    /* unnamed ports never collide */
    unnamed = create_port( NULL, FALSE, MAX_INFO_LENGTH, MAX_MESSAGE_LENGTH );
    unnamed2 = create_port( NULL, FALSE, MAX_INFO_LENGTH, MAX_MESSAGE_LENGTH );
    if (unnamed) check_port_type( unnamed );
    ok( !unnamed || !unnamed2 || unnamed != unnamed2, "same handle twice\n" );
    if (unnamed) NtClose( unnamed );
    if (unnamed2) NtClose( unnamed2 );
    unnamed = create_port( NULL, TRUE, MAX_INFO_LENGTH, MAX_MESSAGE_LENGTH );
    if (unnamed)
    {
        check_port_type( unnamed );
        NtClose( unnamed );
    }

    /* ports are not permanent: the name goes with the last handle */
    NtClose( port );
    check_in_directory( bno_dir, leaf( name ), FALSE );
    port = create_port( name, FALSE, MAX_INFO_LENGTH, MAX_MESSAGE_LENGTH );
    if (port) NtClose( port );
}

static void test_port_limits(void)
{
    char name[MAX_PATH];
    UNICODE_STRING str;
    OBJECT_ATTRIBUTES attr;
    WCHAR buffer[MAX_PATH];
    NTSTATUS status;
    HANDLE port;
    int waitable;

    for (waitable = 0; waitable < 2; waitable++)
    {
        NTSTATUS (WINAPI *create)(HANDLE *, OBJECT_ATTRIBUTES *, ULONG, ULONG, ULONG) =
            waitable ? pNtCreateWaitablePort : pNtCreatePort;
        const char *func = waitable ? "NtCreateWaitablePort" : "NtCreatePort";

        port = create_port( NULL, waitable, LPC_MAX_INFO_LENGTH, LPC_MAX_MESSAGE_LENGTH );
        if (port) NtClose( port );
        port = create_port( NULL, waitable, 0, 0x100 );
        if (port) NtClose( port );

        /* guess: the limits are checked one by one, the connection information's
         * first (STATUS_INVALID_PARAMETER_3), then the message's (_4); the
         * quick reference only says STATUS_INVALID_PARAMETER */
        make_name( name, bno_dir, "limits" );
        init_attr( &attr, &str, buffer, name );
        port = (HANDLE)0xdeadbeef;
        status = create( &port, &attr, LPC_MAX_INFO_LENGTH + 1, 0x100, 0 );
        ok( status == STATUS_INVALID_PARAMETER_3, "%s(info %#x): %#lx\n", func, LPC_MAX_INFO_LENGTH + 1, status );
        if (!status) NtClose( port );
        status = create( &port, &attr, 0x100, LPC_MAX_MESSAGE_LENGTH + 1, 0 );
        ok( status == STATUS_INVALID_PARAMETER_4, "%s(message %#x): %#lx\n", func, LPC_MAX_MESSAGE_LENGTH + 1, status );
        if (!status) NtClose( port );
        status = create( &port, &attr, 0x10000, 0x10000, 0 );
        ok( status == STATUS_INVALID_PARAMETER_3, "%s(0x10000, 0x10000): %#lx\n", func, status );
        if (!status) NtClose( port );

        /* a refused creation leaves no name behind */
        check_in_directory( bno_dir, leaf( name ), FALSE );
        port = create_port( name, waitable, MAX_INFO_LENGTH, MAX_MESSAGE_LENGTH );
        if (port) NtClose( port );
    }
}

/* another thread or process sees the ports and their names */
static void client_create( const char *name )
{
    char rpc_name[MAX_PATH], own[MAX_PATH];
    UNICODE_STRING str;
    OBJECT_ATTRIBUTES attr;
    WCHAR buffer[MAX_PATH];
    NTSTATUS status;
    HANDLE port;

    sprintf( rpc_name, "%s\\%s", rpc_dir, leaf( name ));
    check_in_directory( bno_dir, leaf( name ), TRUE );
    check_in_directory( rpc_dir, leaf( rpc_name ), TRUE );

    init_attr( &attr, &str, buffer, name );
    status = pNtCreatePort( &port, &attr, MAX_INFO_LENGTH, MAX_MESSAGE_LENGTH, 0 );
    ok( status == STATUS_OBJECT_NAME_COLLISION, "NtCreatePort(%s): %#lx\n", name, status );
    if (!status) NtClose( port );
    init_attr( &attr, &str, buffer, rpc_name );
    status = pNtCreateWaitablePort( &port, &attr, MAX_INFO_LENGTH, MAX_MESSAGE_LENGTH, 0 );
    ok( status == STATUS_OBJECT_NAME_COLLISION, "NtCreateWaitablePort(%s): %#lx\n", rpc_name, status );
    if (!status) NtClose( port );

    /* a port of our own, left open: it goes when a child process exits */
    sprintf( own, "%s-own", name );
    port = create_port( own, FALSE, MAX_INFO_LENGTH, MAX_MESSAGE_LENGTH );
    if (port && !running_in_child) NtClose( port );
}

static void test_create_elsewhere( BOOL process )
{
    char name[MAX_PATH], rpc_name[MAX_PATH], own[MAX_PATH];
    struct client client;
    HANDLE port, rpc_port;

    make_name( name, bno_dir, "shared" );
    sprintf( rpc_name, "%s\\%s", rpc_dir, leaf( name ));
    port = create_port( name, FALSE, MAX_INFO_LENGTH, MAX_MESSAGE_LENGTH );
    rpc_port = create_port( rpc_name, FALSE, MAX_INFO_LENGTH, MAX_MESSAGE_LENGTH );
    if (port && rpc_port && start_client( &client, process, "create", name )) finish_client( &client );
    sprintf( own, "%s-own", name );
    check_in_directory( bno_dir, leaf( own ), FALSE );
    if (port) NtClose( port );
    if (rpc_port) NtClose( rpc_port );
}

/* a waitable port is signalled while a message is queued */
static void client_waitable( const char *name )
{
    HANDLE port, go, send;
    NTSTATUS status;
    lpc_msg msg;

    if (!(port = client_connect( name, NULL, NULL ))) return;
    send = open_event( name, "send" );
    ok( WaitForSingleObject( send, 10000 ) == WAIT_OBJECT_0, "server did not say send\n" );
    CloseHandle( send );
    set_msg( &msg, "wait-1" );
    status = pNtRequestPort( port, &msg.h );
    ok( status == STATUS_SUCCESS, "NtRequestPort failed: %#lx\n", status );
    go = open_event( name, "go" );
    ok( WaitForSingleObject( go, 10000 ) == WAIT_OBJECT_0, "server did not say go\n" );
    CloseHandle( go );
    status = NtClose( port );
    ok( status == STATUS_SUCCESS, "NtClose failed: %#lx\n", status );
}

static void test_waitable_port( BOOL process )
{
    struct session s;
    lpc_msg msg;
    void *context;
    HANDLE send;

    send = NULL;
    if (!session_init( &s, "waitable", TRUE )) goto done;
    send = create_event( s.name, "send" );
    ok( WaitForSingleObject( s.port, 0 ) == WAIT_TIMEOUT, "empty port is signalled\n" );
    if (!start_client( &s.client, process, "waitable", s.name )) goto done;

    /* guess: a connection request counts as a queued message */
    ok( WaitForSingleObject( s.port, wait_time() ) == WAIT_OBJECT_0, "port not signalled for a connection request\n" );
    ok( WaitForSingleObject( s.port, 0 ) == WAIT_OBJECT_0, "waiting consumed the signal\n" );
    if (!session_accept( &s, NULL, NULL )) goto done;
    ok( WaitForSingleObject( s.port, 0 ) == WAIT_TIMEOUT, "empty port is signalled\n" );

    SetEvent( send );
    ok( WaitForSingleObject( s.port, wait_time() ) == WAIT_OBJECT_0, "port not signalled for a datagram\n" );
    ok( WaitForSingleObject( s.port, 0 ) == WAIT_OBJECT_0, "waiting consumed the signal\n" );
    if (!expect_msg( s.port, &context, &msg, LPC_DATAGRAM )) goto done;
    check_data( &msg, "wait-1" );
    ok( WaitForSingleObject( s.port, 0 ) == WAIT_TIMEOUT, "empty port is signalled\n" );

    SetEvent( s.go );
    ok( WaitForSingleObject( s.port, wait_time() ) == WAIT_OBJECT_0, "port not signalled for LPC_PORT_CLOSED\n" );
    if (!expect_msg( s.port, &context, &msg, LPC_PORT_CLOSED )) goto done;
    ok( WaitForSingleObject( s.port, 0 ) == WAIT_TIMEOUT, "empty port is signalled\n" );
done:
    if (send) SetEvent( send );
    session_end( &s );
    close_handle( &send );
}


/***********************************************************************
 * 2 and 3. Connection and messages
 */

/* each sender's call with inconsistent or excessive lengths fails before sending */
static void check_bad_lengths( HANDLE port )
{
    static const SHORT types[] = { LPC_REPLY, LPC_DATAGRAM, LPC_CLIENT_DIED, LPC_CONNECTION_REQUEST };
    lpc_msg msg, reply;
    NTSTATUS status;
    unsigned int i;

    /* DataLength + header larger than TotalLength (guess) */
    set_msg( &msg, "bad lengths" );
    msg.h.u1.s1.TotalLength = HDR_SIZE + 4;
    status = pNtRequestPort( port, &msg.h );
    ok( status == STATUS_INVALID_PARAMETER, "NtRequestPort(short total): %#lx\n", status );
    status = pNtRequestWaitReplyPort( port, &msg.h, &reply.h );
    ok( status == STATUS_INVALID_PARAMETER, "NtRequestWaitReplyPort(short total): %#lx\n", status );

    /* TotalLength larger than DataLength + header (guess: rejected only when
     * TotalLength passes the port's maximum, so a short message that claims
     * too long a total is too long) */
    set_msg( &msg, "bad" );
    msg.h.u1.s1.TotalLength = MAX_MESSAGE_LENGTH + 16;
    status = pNtRequestPort( port, &msg.h );
    ok( status == STATUS_PORT_MESSAGE_TOO_LONG, "NtRequestPort(long total): %#lx\n", status );
    status = pNtRequestWaitReplyPort( port, &msg.h, &reply.h );
    ok( status == STATUS_PORT_MESSAGE_TOO_LONG, "NtRequestWaitReplyPort(long total): %#lx\n", status );

    /* consistent, but longer than the port takes (guess: STATUS_PORT_MESSAGE_TOO_LONG,
     * the status ALPC gives for the same) */
    set_msg( &msg, "too long" );
    msg.h.u1.s1.DataLength = MAX_MESSAGE_LENGTH - HDR_SIZE + 1;
    msg.h.u1.s1.TotalLength = MAX_MESSAGE_LENGTH + 1;
    status = pNtRequestPort( port, &msg.h );
    ok( status == STATUS_PORT_MESSAGE_TOO_LONG, "NtRequestPort(%#x): %#lx\n", MAX_MESSAGE_LENGTH + 1, status );
    status = pNtRequestWaitReplyPort( port, &msg.h, &reply.h );
    ok( status == STATUS_PORT_MESSAGE_TOO_LONG, "NtRequestWaitReplyPort(%#x): %#lx\n", MAX_MESSAGE_LENGTH + 1, status );

    /* far beyond the buffer: the length is checked before the data is read */
    msg.h.u1.s1.DataLength = 0x7ff0 - HDR_SIZE;
    msg.h.u1.s1.TotalLength = 0x7ff0;
    status = pNtRequestPort( port, &msg.h );
    ok( status == STATUS_PORT_MESSAGE_TOO_LONG, "NtRequestPort(0x7ff0): %#lx\n", status );

    /* a request's Type must be 0 (Wine port.c test sends so) or LPC_REQUEST (guess); LPC_REQUEST itself
     * means a callback and is left to lpc_views.c */
    for (i = 0; i < ARRAY_SIZE(types); i++)
    {
        set_msg( &msg, "bad type" );
        msg.h.u2.s2.Type = types[i];
        status = pNtRequestWaitReplyPort( port, &msg.h, &reply.h );
        ok( status == STATUS_INVALID_PARAMETER, "NtRequestWaitReplyPort(type %d): %#lx\n", types[i], status );
    }
}

#define request(p, t, r) request_(__FILE__, __LINE__, p, t, r)
static void request_( const char *file, int line, HANDLE port, const char *text, const char *expect )
{
    lpc_msg msg, reply;
    NTSTATUS status;

    set_msg( &msg, text );
    memset( &reply, 0xcc, sizeof(reply) );
    status = pNtRequestWaitReplyPort( port, &msg.h, &reply.h );
    ok_(file, line)( status == STATUS_SUCCESS, "NtRequestWaitReplyPort(%s) failed: %#lx\n", text, status );
    if (status) return;
    ok_(file, line)( reply.h.u2.s2.Type == LPC_REPLY, "reply type %#x\n", reply.h.u2.s2.Type );
    check_data_( file, line, &reply, expect );
}

static void client_basic( const char *name )
{
    char info[64];
    HANDLE port, go;
    NTSTATUS status;
    lpc_msg msg, copy, reply;
    LARGE_INTEGER timeout;
    ULONG len;
    void *context;

    /* the server's shorter reply comes back in the same buffer */
    if (!(port = client_connect( name, client_info, accept_info ))) return;
    check_port_type( port );

    /* guess: class 0 is accepted on any port and returns nothing useful */
    len = 0xdeadbeef;
    status = pNtQueryInformationPort( port, 0, info, sizeof(info), &len );
    ok( status == STATUS_SUCCESS, "NtQueryInformationPort failed: %#lx\n", status );

    /* a datagram; the sender's buffer is left alone */
    set_msg( &msg, "datagram-1" );
    copy = msg;
    status = pNtRequestPort( port, &msg.h );
    ok( status == STATUS_SUCCESS, "NtRequestPort failed: %#lx\n", status );
    ok( !memcmp( &msg, &copy, msg_size( &copy )), "message changed, type %#x\n", msg.h.u2.s2.Type );

    /* the kernel's fields are the kernel's (Wine port.c test: a datagram sent with Type 0
     * arrives as LPC_DATAGRAM; guess: a forged Type is ignored too) */
    set_msg( &msg, "datagram-2" );
    forge_header( &msg.h, LPC_CLIENT_DIED );
    copy = msg;
    status = pNtRequestPort( port, &msg.h );
    ok( status == STATUS_SUCCESS, "NtRequestPort(forged) failed: %#lx\n", status );
    ok( !memcmp( &msg, &copy, msg_size( &copy )), "message changed\n" );

    /* request-1 has forged ids; replied through the communication port */
    set_msg( &msg, "request-1" );
    forge_header( &msg.h, 0 );
    memset( &reply, 0xcc, sizeof(reply) );
    status = pNtRequestWaitReplyPort( port, &msg.h, &reply.h );
    ok( status == STATUS_SUCCESS, "NtRequestWaitReplyPort failed: %#lx\n", status );
    if (!status)
    {
        ok( reply.h.u2.s2.Type == LPC_REPLY, "reply type %#x\n", reply.h.u2.s2.Type );
        check_data( &reply, "reply-1" );
    }

    /* request-2: replied through the connection port; one buffer for both ways */
    set_msg( &msg, "request-2" );
    status = pNtRequestWaitReplyPort( port, &msg.h, &msg.h );
    ok( status == STATUS_SUCCESS, "NtRequestWaitReplyPort failed: %#lx\n", status );
    if (!status)
    {
        ok( msg.h.u2.s2.Type == LPC_REPLY, "reply type %#x\n", msg.h.u2.s2.Type );
        check_data( &msg, "reply-2" );
    }

    /* request-3: the server tries wrong replies first */
    request( port, "request-3", "reply-3" );

    /* request-4: replied by NtReplyWaitReceivePortEx, which then gets datagram-3 */
    request( port, "request-4", "reply-4" );
    set_msg( &msg, "datagram-3" );
    status = pNtRequestPort( port, &msg.h );
    ok( status == STATUS_SUCCESS, "NtRequestPort failed: %#lx\n", status );

    /* request-5: replied by NtReplyWaitReceivePort */
    request( port, "request-5", "reply-5" );

    /* guess: a client port receives what is sent to it: nothing yet */
    status = pNtReplyWaitReceivePortEx( port, NULL, NULL, &msg.h, relative_timeout( &timeout, 100 ));
    ok( status == STATUS_TIMEOUT, "NtReplyWaitReceivePortEx: %#lx\n", status );

    set_msg( &msg, "datagram-4" );
    status = pNtRequestPort( port, &msg.h );
    ok( status == STATUS_SUCCESS, "NtRequestPort failed: %#lx\n", status );

    /* the server tries stale replies, then sends a datagram our way (guess:
     * NtRequestPort on a server communication port queues on the client port) */
    go = open_event( name, "go" );
    ok( WaitForSingleObject( go, 10000 ) == WAIT_OBJECT_0, "server did not say go\n" );
    CloseHandle( go );
    context = (void *)0xdeadbeef;
    memset( &msg, 0xcc, sizeof(msg) );
    status = pNtReplyWaitReceivePortEx( port, &context, NULL, &msg.h, relative_timeout( &timeout, 5000 ));
    ok( status == STATUS_SUCCESS, "NtReplyWaitReceivePortEx failed: %#lx\n", status );
    if (!status)
    {
        ok( msg.h.u2.s2.Type == LPC_DATAGRAM, "type %#x\n", msg.h.u2.s2.Type );
        check_data( &msg, "to-client" );
        ok( msg.h.ClientId.UniqueProcess && msg.h.ClientId.UniqueThread, "no sender\n" );
        /* guess: the client side has no port context */
        ok( context == NULL, "port context %p\n", context );
    }

    status = NtClose( port );
    ok( status == STATUS_SUCCESS, "NtClose failed: %#lx\n", status );
}

static void test_connect_and_messages( BOOL process )
{
    struct receive_call call;
    struct session s;
    lpc_msg msg, reply, copy, next;
    LARGE_INTEGER timeout;
    ULONG ids[8], last_id;
    NTSTATUS status;
    HANDLE thread;
    void *context;
    int i, n = 0;

    if (!session_start( &s, "basic", process, FALSE )) goto done;
    if (!session_accept( &s, client_info, accept_info )) goto done;

    /* datagram-1 */
    if (!expect_msg( s.port, &context, &msg, LPC_DATAGRAM )) goto done;
    ok( msg.h.u2.s2.Type == LPC_DATAGRAM, "type %#x\n", msg.h.u2.s2.Type );
    check_data( &msg, "datagram-1" );
    check_sender( &msg.h, s.client.pid, s.client.tid );
    ok( context == s.context, "port context %p, expected %p\n", context, s.context );
    ok( msg.h.MessageId != 0, "no MessageId\n" );
    ids[n++] = msg.h.MessageId;

    /* datagram-2, sent with a forged header */
    if (!expect_msg( s.port, &context, &msg, LPC_DATAGRAM )) goto done;
    ok( msg.h.u2.s2.Type == LPC_DATAGRAM, "type %#x\n", msg.h.u2.s2.Type );
    check_data( &msg, "datagram-2" );
    check_sender( &msg.h, s.client.pid, s.client.tid );
    ok( msg.h.MessageId != FORGED_ID && msg.h.MessageId != 0, "MessageId %#lx\n", msg.h.MessageId );
    /* guess: datagrams and requests carry CallbackId 0 */
    ok( msg.h.CallbackId == 0, "CallbackId %#lx\n", msg.h.CallbackId );
    ok( context == s.context, "port context %p\n", context );
    ids[n++] = msg.h.MessageId;

    /* request-1, forged ids; reply through the communication port */
    if (!expect_msg( s.port, &context, &msg, LPC_REQUEST )) goto done;
    ok( msg.h.u2.s2.Type == LPC_REQUEST, "type %#x\n", msg.h.u2.s2.Type );
    check_data( &msg, "request-1" );
    check_sender( &msg.h, s.client.pid, s.client.tid );
    ok( msg.h.MessageId != FORGED_ID && msg.h.MessageId != 0, "MessageId %#lx\n", msg.h.MessageId );
    ok( msg.h.CallbackId == 0, "CallbackId %#lx\n", msg.h.CallbackId );  /* guess */
    ok( context == s.context, "port context %p\n", context );
    ids[n++] = msg.h.MessageId;
    make_reply( &reply, &msg, "reply-1" );
    copy = reply;
    status = pNtReplyPort( s.comm, &reply.h );
    ok( status == STATUS_SUCCESS, "NtReplyPort failed: %#lx\n", status );
    ok( !memcmp( &reply, &copy, msg_size( &copy )), "reply changed\n" );

    /* request-2: reply through the connection port, as Wine's port.c does */
    if (!expect_msg( s.port, &context, &msg, LPC_REQUEST )) goto done;
    check_data( &msg, "request-2" );
    ids[n++] = msg.h.MessageId;
    make_reply( &reply, &msg, "reply-2" );
    status = pNtReplyPort( s.port, &reply.h );
    ok( status == STATUS_SUCCESS, "NtReplyPort failed: %#lx\n", status );

    /* request-3: replies that do not match the request (guess for the statuses:
     * STATUS_REPLY_MESSAGE_MISMATCH, whatever the ClientId names) */
    if (!expect_msg( s.port, &context, &msg, LPC_REQUEST )) goto done;
    check_data( &msg, "request-3" );
    ids[n++] = msg.h.MessageId;

    make_reply( &reply, &msg, "wrong MessageId" );
    reply.h.MessageId++;
    status = pNtReplyPort( s.comm, &reply.h );
    ok( status == STATUS_REPLY_MESSAGE_MISMATCH, "NtReplyPort(wrong MessageId): %#lx\n", status );
    status = pNtReplyPort( s.port, &reply.h );
    ok( status == STATUS_REPLY_MESSAGE_MISMATCH, "NtReplyPort(wrong MessageId, connection port): %#lx\n", status );

    make_reply( &reply, &msg, "wrong thread" );
    reply.h.ClientId.UniqueThread = ULongToHandle( GetCurrentThreadId() );
    status = pNtReplyPort( s.comm, &reply.h );
    ok( status == STATUS_REPLY_MESSAGE_MISMATCH, "NtReplyPort(wrong thread): %#lx\n", status );

    make_reply( &reply, &msg, "wrong process" );
    reply.h.ClientId.UniqueProcess = FORGED_PROCESS;
    status = pNtReplyPort( s.comm, &reply.h );
    ok( status == STATUS_REPLY_MESSAGE_MISMATCH, "NtReplyPort(wrong process): %#lx\n", status );

    make_reply( &reply, &msg, "no client" );
    reply.h.ClientId.UniqueProcess = reply.h.ClientId.UniqueThread = 0;
    status = pNtReplyPort( s.comm, &reply.h );
    ok( status == STATUS_REPLY_MESSAGE_MISMATCH, "NtReplyPort(no ClientId): %#lx\n", status );

    /* the lengths of a reply follow the same rules as a request's (guess) */
    make_reply( &reply, &msg, "short total" );
    reply.h.u1.s1.TotalLength = HDR_SIZE + 2;
    status = pNtReplyPort( s.comm, &reply.h );
    ok( status == STATUS_INVALID_PARAMETER, "NtReplyPort(short total): %#lx\n", status );
    make_reply( &reply, &msg, "too long" );
    reply.h.u1.s1.DataLength = MAX_MESSAGE_LENGTH - HDR_SIZE + 1;
    reply.h.u1.s1.TotalLength = MAX_MESSAGE_LENGTH + 1;
    status = pNtReplyPort( s.comm, &reply.h );
    ok( status == STATUS_PORT_MESSAGE_TOO_LONG, "NtReplyPort(too long): %#lx\n", status );

    /* the right one, and the same again */
    make_reply( &reply, &msg, "reply-3" );
    status = pNtReplyPort( s.comm, &reply.h );
    ok( status == STATUS_SUCCESS, "NtReplyPort failed: %#lx\n", status );
    status = pNtReplyPort( s.comm, &reply.h );
    ok( status == STATUS_REPLY_MESSAGE_MISMATCH, "second NtReplyPort: %#lx\n", status );
    status = pNtReplyPort( s.port, &reply.h );
    ok( status == STATUS_REPLY_MESSAGE_MISMATCH, "second NtReplyPort, connection port: %#lx\n", status );

    /* request-4: NtReplyWaitReceivePortEx replies, then receives datagram-3 */
    if (!expect_msg( s.port, &context, &msg, LPC_REQUEST )) goto done;
    check_data( &msg, "request-4" );
    ids[n++] = msg.h.MessageId;
    make_reply( &reply, &msg, "reply-4" );
    memset( &next, 0xcc, sizeof(next) );
    context = (void *)0xdeadbeef;
    status = pNtReplyWaitReceivePortEx( s.port, &context, &reply.h, &next.h, relative_timeout( &timeout, wait_time() ));
    ok( status == STATUS_SUCCESS, "NtReplyWaitReceivePortEx failed: %#lx\n", status );
    if (status) goto done;
    ok( next.h.u2.s2.Type == LPC_DATAGRAM, "type %#x\n", next.h.u2.s2.Type );
    check_data( &next, "datagram-3" );
    check_sender( &next.h, s.client.pid, s.client.tid );
    ok( context == s.context, "port context %p\n", context );
    ids[n++] = next.h.MessageId;

    /* request-5: NtReplyWaitReceivePort replies, then receives datagram-4 */
    if (!expect_msg( s.port, &context, &msg, LPC_REQUEST )) goto done;
    check_data( &msg, "request-5" );
    ids[n++] = last_id = msg.h.MessageId;
    make_reply( &reply, &msg, "reply-5" );
    thread = start_receive( &call, s.port, FALSE, &reply, FALSE );
    if (!wait_thread( thread, wait_time() )) goto done;
    ok( call.status == STATUS_SUCCESS, "NtReplyWaitReceivePort failed: %#lx\n", call.status );
    if (call.status) goto done;
    ok( call.msg.h.u2.s2.Type == LPC_DATAGRAM, "type %#x\n", call.msg.h.u2.s2.Type );
    check_data( &call.msg, "datagram-4" );
    ok( call.context == s.context, "port context %p\n", call.context );

    /* every message had its own id */
    for (i = 1; i < n; i++) ok( ids[i] != ids[i - 1], "MessageId %#lx twice\n", ids[i] );

    /* the client has no request outstanding: nothing can be replied to */
    status = pNtReplyPort( s.port, &reply.h );
    ok( status == STATUS_REPLY_MESSAGE_MISMATCH, "stale NtReplyPort: %#lx\n", status );
    reply.h.MessageId = last_id + 1000;
    status = pNtReplyPort( s.port, &reply.h );
    ok( status == STATUS_REPLY_MESSAGE_MISMATCH, "NtReplyPort(never received): %#lx\n", status );
    status = pNtReplyPort( s.comm, &reply.h );
    ok( status == STATUS_REPLY_MESSAGE_MISMATCH, "NtReplyPort(never received, communication port): %#lx\n", status );
    make_reply( &reply, &call.msg, "reply to a datagram" );
    status = pNtReplyPort( s.comm, &reply.h );
    ok( status == STATUS_REPLY_MESSAGE_MISMATCH, "NtReplyPort(datagram): %#lx\n", status );

    /* guess: a datagram through the communication port goes to the client */
    set_msg( &msg, "to-client" );
    status = pNtRequestPort( s.comm, &msg.h );
    ok( status == STATUS_SUCCESS, "NtRequestPort(communication port) failed: %#lx\n", status );
    SetEvent( s.go );

    /* guess: closing notices carry the connection's port context too */
    if (!expect_msg( s.port, &context, &msg, LPC_PORT_CLOSED )) goto done;
    ok( context == s.context, "port context %p\n", context );
    expect_no_msg( s.port, 100 );
done:
    session_end( &s );
}

/* NtListenPort; the connection information that comes back is cut to the
 * length the client sent (guess) */
static const char listen_reply[] = "long reply from the server";

static void client_listen( const char *name )
{
    SECURITY_QUALITY_OF_SERVICE qos;
    UNICODE_STRING str;
    WCHAR buffer[MAX_PATH];
    char info[64] = "abc";
    ULONG len = 4, max_len = 0;
    HANDLE port = NULL;
    NTSTATUS status;

    init_qos( &qos );
    init_unicode( &str, buffer, name );
    status = pNtConnectPort( &port, &str, &qos, NULL, NULL, &max_len, info, &len );
    ok( status == STATUS_SUCCESS, "NtConnectPort failed: %#lx\n", status );
    if (status) return;
    ok( max_len == MAX_MESSAGE_LENGTH, "MaxMessageLength %#lx\n", max_len );  /* guess */
    ok( len == 4, "connection information length %lu\n", len );
    ok( !memcmp( info, listen_reply, 4 ) && !info[4], "connection information %s\n", wine_dbgstr_an( info, 8 ));
    status = NtClose( port );
    ok( status == STATUS_SUCCESS, "NtClose failed: %#lx\n", status );
}

/* a receive buffer of exactly the port's longest message, at the end of the
 * accessible memory: the receiving calls write no further (guess: the port's
 * MaxMessageLength bounds what they write) */
static lpc_msg *guarded_buffer(void)
{
    static char *base;
    DWORD old;

    if (!base)
    {
        base = VirtualAlloc( NULL, 0x2000, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE );
        ok( base != NULL, "VirtualAlloc failed: %lu\n", GetLastError() );
        if (!base) return NULL;
        ok( VirtualProtect( base + 0x1000, 0x1000, PAGE_NOACCESS, &old ), "VirtualProtect failed\n" );
    }
    return (lpc_msg *)(base + 0x1000 - MAX_MESSAGE_LENGTH);
}

static void test_listen( BOOL process )
{
    struct receive_call call;
    struct session s;
    LARGE_INTEGER timeout;
    NTSTATUS status;
    HANDLE thread;
    lpc_msg msg, *guarded;
    void *context;

    if (!session_start( &s, "listen", process, FALSE )) goto done;
    if (!(guarded = guarded_buffer())) goto done;
    memset( &call, 0, sizeof(call) );
    call.port = s.port;
    call.listen = TRUE;
    call.buffer = guarded;
    call.status = 0xdeadbeef;
    thread = CreateThread( NULL, 0, receive_proc, &call, 0, NULL );
    ok( thread != NULL, "CreateThread failed: %lu\n", GetLastError() );
    if (!wait_thread( thread, wait_time() )) goto done;
    memcpy( &call.msg, guarded, MAX_MESSAGE_LENGTH );
    ok( call.status == STATUS_SUCCESS, "NtListenPort failed: %#lx\n", call.status );
    if (call.status) goto done;
    ok( call.msg.h.u2.s2.Type == LPC_CONNECTION_REQUEST, "type %#x\n", call.msg.h.u2.s2.Type );
    check_data( &call.msg, "abc" );
    check_sender( &call.msg.h, s.client.pid, s.client.tid );

    make_reply( &msg, &call.msg, listen_reply );
    status = pNtAcceptConnectPort( &s.comm, s.context, &msg.h, TRUE, NULL, NULL );
    ok( status == STATUS_SUCCESS, "NtAcceptConnectPort failed: %#lx\n", status );
    if (status)
    {
        s.comm = NULL;
        goto done;
    }
    status = pNtCompleteConnectPort( s.comm );
    ok( status == STATUS_SUCCESS, "NtCompleteConnectPort failed: %#lx\n", status );
    status = pNtReplyWaitReceivePortEx( s.port, &context, NULL, &guarded->h, relative_timeout( &timeout, wait_time() ));
    ok( status == STATUS_SUCCESS, "NtReplyWaitReceivePortEx into a buffer of MaxMessageLength: %#lx\n", status );
    if (!status) ok( guarded->h.u2.s2.Type == LPC_PORT_CLOSED, "type %#x\n", guarded->h.u2.s2.Type );
done:
    session_end( &s );
}

/* refused, then a name that does not exist, then accepted */
static void client_refuse( const char *name )
{
    SECURITY_QUALITY_OF_SERVICE qos;
    UNICODE_STRING str;
    WCHAR buffer[MAX_PATH];
    char missing[MAX_PATH], info[16] = "refuse me";
    ULONG len = sizeof("refuse me"), max_len;
    HANDLE port = (HANDLE)0xdeadbeef;
    NTSTATUS status;

    init_qos( &qos );
    init_unicode( &str, buffer, name );
    status = pNtConnectPort( &port, &str, &qos, NULL, NULL, &max_len, info, &len );
    ok( status == STATUS_PORT_CONNECTION_REFUSED, "NtConnectPort: %#lx\n", status );
    /* the project's issue 15 (observed on Windows): a refusal writes NULL */
    ok( !port, "got port %p\n", port );
    if (!status) NtClose( port );

    sprintf( missing, "%s-missing", name );
    init_unicode( &str, buffer, missing );
    status = pNtConnectPort( &port, &str, &qos, NULL, NULL, &max_len, NULL, NULL );
    ok( status == STATUS_OBJECT_NAME_NOT_FOUND, "NtConnectPort(%s): %#lx\n", missing, status );
    if (!status) NtClose( port );

    if (!(port = client_connect( name, NULL, NULL ))) return;
    status = NtClose( port );
    ok( status == STATUS_SUCCESS, "NtClose failed: %#lx\n", status );
}

static void test_refuse( BOOL process )
{
    struct session s;
    NTSTATUS status;
    HANDLE comm;
    lpc_msg msg;
    void *context;

    if (!session_start( &s, "refuse", process, FALSE )) goto done;
    if (!expect_msg( s.port, &context, &msg, LPC_CONNECTION_REQUEST )) goto done;
    check_data( &msg, "refuse me" );
    check_sender( &msg.h, s.client.pid, s.client.tid );
    /* guess: refusing succeeds, and wakes the client without NtCompleteConnectPort */
    comm = (HANDLE)0xdeadbeef;
    status = pNtAcceptConnectPort( &comm, s.context, &msg.h, FALSE, NULL, NULL );
    ok( status == STATUS_SUCCESS, "NtAcceptConnectPort(FALSE) failed: %#lx\n", status );
    /* the project's issue 15 (observed on Windows): a refusal writes NULL */
    ok( !comm, "got port %p\n", comm );

    /* the port still takes connections */
    if (!session_accept( &s, NULL, NULL )) goto done;
    if (!expect_msg( s.port, &context, &msg, LPC_PORT_CLOSED )) goto done;
done:
    session_end( &s );
}


/***********************************************************************
 * 4. NtQueryInformationPort
 */

/* this program again under a debugger: its exit code is what
 * NtQueryPortInformationProcess said there */
static void test_port_information_debugged(void)
{
    char cmdline[MAX_PATH * 2], exe[MAX_PATH];
    PROCESS_INFORMATION pi;
    STARTUPINFOA si;
    DEBUG_EVENT ev;
    DWORD code = 0xdeadbeef;

    GetModuleFileNameA( NULL, exe, sizeof(exe) );
    sprintf( cmdline, "\"%s\" lpc portinfo", exe );
    memset( &si, 0, sizeof(si) );
    si.cb = sizeof(si);
    if (!CreateProcessA( NULL, cmdline, NULL, NULL, FALSE, DEBUG_ONLY_THIS_PROCESS, NULL, NULL, &si, &pi ))
    {
        ok( 0, "CreateProcess(%s) failed: %lu\n", cmdline, GetLastError() );
        return;
    }
    while (WaitForDebugEvent( &ev, 30000 ))
    {
        if (ev.dwDebugEventCode == CREATE_PROCESS_DEBUG_EVENT) CloseHandle( ev.u.CreateProcessInfo.hFile );
        if (ev.dwDebugEventCode == LOAD_DLL_DEBUG_EVENT) CloseHandle( ev.u.LoadDll.hFile );
        if (ev.dwDebugEventCode == EXIT_PROCESS_DEBUG_EVENT) code = ev.u.ExitProcess.dwExitCode;
        ContinueDebugEvent( ev.dwProcessId, ev.dwThreadId,
                            ev.dwDebugEventCode == EXCEPTION_DEBUG_EVENT ? DBG_EXCEPTION_NOT_HANDLED : DBG_CONTINUE );
        if (ev.dwDebugEventCode == EXIT_PROCESS_DEBUG_EVENT) break;
    }
    ok( code == 1, "NtQueryPortInformationProcess under a debugger: %#lx\n", code );
    WaitForSingleObject( pi.hProcess, 30000 );
    CloseHandle( pi.hProcess );
    CloseHandle( pi.hThread );
}

static void test_query_information(void)
{
    char buffer[64];
    struct pair p;
    NTSTATUS status;
    HANDLE event, port;
    ULONG len;

    /* Class 0 is PortBasicInformation in phnt and the only class there is in
     * Wine's headers; guess: it validates the handle and succeeds without
     * returning data.  Nothing public says more, so only the status is
     * checked. */
    if (make_pair( &p, "query" ))
    {
        len = 0xdeadbeef;
        status = pNtQueryInformationPort( p.server, 0, buffer, sizeof(buffer), &len );
        ok( status == STATUS_SUCCESS, "connection port: %#lx\n", status );
        status = pNtQueryInformationPort( p.comm, 0, buffer, sizeof(buffer), &len );
        ok( status == STATUS_SUCCESS, "communication port: %#lx\n", status );
        status = pNtQueryInformationPort( p.client, 0, buffer, sizeof(buffer), &len );
        ok( status == STATUS_SUCCESS, "client port: %#lx\n", status );
        close_pair( &p );
    }
    if ((port = create_port( NULL, TRUE, MAX_INFO_LENGTH, MAX_MESSAGE_LENGTH )))
    {
        status = pNtQueryInformationPort( port, 0, buffer, sizeof(buffer), &len );
        ok( status == STATUS_SUCCESS, "waitable port: %#lx\n", status );
        NtClose( port );
    }

    event = CreateEventA( NULL, TRUE, FALSE, NULL );
    status = pNtQueryInformationPort( event, 0, buffer, sizeof(buffer), &len );
    ok( status == STATUS_OBJECT_TYPE_MISMATCH, "event: %#lx\n", status );
    CloseHandle( event );
    status = pNtQueryInformationPort( BOGUS_HANDLE, 0, buffer, sizeof(buffer), &len );
    ok( status == STATUS_INVALID_HANDLE, "bogus handle: %#lx\n", status );

    /* guess (docs/unverified-behaviour.md): phnt declares it without
     * arguments; its value says whether the process has a port for its
     * exceptions, and a process that nobody debugs has none */
    status = pNtQueryPortInformationProcess();
    ok( status == 0, "NtQueryPortInformationProcess: %#lx\n", status );
    test_port_information_debugged();
}


/***********************************************************************
 * 5. Death and closing
 */

/* the thread that connected and registered the port exits */
static HANDLE died_port;

static DWORD WINAPI died_worker( void *arg )
{
    const char *name = arg;
    NTSTATUS status;
    lpc_msg msg;

    if (!(died_port = client_connect( name, NULL, NULL ))) return 1;
    status = pNtRegisterThreadTerminatePort( died_port );
    ok( status == STATUS_SUCCESS, "NtRegisterThreadTerminatePort failed: %#lx\n", status );
    set_msg( &msg, "registered" );
    status = pNtRequestPort( died_port, &msg.h );
    ok( status == STATUS_SUCCESS, "NtRequestPort failed: %#lx\n", status );
    return 0;
}

static void client_died( const char *name )
{
    HANDLE thread, go;
    NTSTATUS status;

    /* in a thread client the server closes the port itself */
    if (!running_in_child)
    {
        died_worker( (void *)name );
        return;
    }
    thread = CreateThread( NULL, 0, died_worker, (void *)name, 0, NULL );
    ok( thread != NULL, "CreateThread failed: %lu\n", GetLastError() );
    ok( WaitForSingleObject( thread, 10000 ) == WAIT_OBJECT_0, "worker thread did not end\n" );
    CloseHandle( thread );
    if (!died_port) return;
    go = open_event( name, "go" );
    ok( WaitForSingleObject( go, 10000 ) == WAIT_OBJECT_0, "server did not say go\n" );
    CloseHandle( go );
    status = NtClose( died_port );
    ok( status == STATUS_SUCCESS, "NtClose failed: %#lx\n", status );
}

static void test_thread_died( BOOL process )
{
    FILETIME create, exit_time, kernel, user;
    struct session s;
    LARGE_INTEGER *time;
    lpc_msg msg;
    void *context;
    DWORD tid;

    died_port = NULL;
    if (!session_start( &s, "died", process, FALSE )) goto done;
    /* in a child the worker thread connects, not the main thread */
    if (process) s.client.tid = 0;
    if (!session_accept( &s, NULL, NULL )) goto done;
    if (!expect_msg( s.port, &context, &msg, LPC_DATAGRAM )) goto done;
    check_data( &msg, "registered" );
    tid = HandleToULong( msg.h.ClientId.UniqueThread );

    if (!expect_msg( s.port, &context, &msg, LPC_CLIENT_DIED )) goto done;
    ok( msg.h.u2.s2.Type == LPC_CLIENT_DIED, "type %#x\n", msg.h.u2.s2.Type );
    /* guess: the data is the thread's creation time; the sender is that thread */
    ok( msg.h.u1.s1.DataLength == sizeof(LARGE_INTEGER), "DataLength %d\n", msg.h.u1.s1.DataLength );
    ok( msg.h.u1.s1.TotalLength == HDR_SIZE + sizeof(LARGE_INTEGER), "TotalLength %d\n", msg.h.u1.s1.TotalLength );
    check_sender( &msg.h, s.client.pid, tid );
    /* guess: the notice comes with the connection's port context */
    ok( context == s.context, "port context %p\n", context );
    time = (LARGE_INTEGER *)msg.data;
    if (!process && GetThreadTimes( s.client.handle, &create, &exit_time, &kernel, &user ))
        ok( time->u.LowPart == create.dwLowDateTime && time->u.HighPart == create.dwHighDateTime,
            "create time %#lx%08lx, expected %#lx%08lx\n", time->u.HighPart, time->u.LowPart,
            create.dwHighDateTime, create.dwLowDateTime );
    else ok( time->QuadPart != 0, "no create time\n" );

    /* the port is still open: closing it is the next notice */
    if (process) SetEvent( s.go );
    else
    {
        finish_client( &s.client );
        ok( NtClose( died_port ) == STATUS_SUCCESS, "NtClose failed\n" );
    }
    if (!expect_msg( s.port, &context, &msg, LPC_PORT_CLOSED )) goto done;
done:
    session_end( &s );
}

/* a client that is killed: connected and idle, or waiting for a reply */
static HANDLE killed_port;

static void client_killed( const char *name, BOOL pending )
{
    NTSTATUS status;
    lpc_msg msg, reply;

    if (!(killed_port = client_connect( name, NULL, NULL ))) return;
    /* a thread client cannot close its process: it dies registered */
    if (!running_in_child)
    {
        status = pNtRegisterThreadTerminatePort( killed_port );
        ok( status == STATUS_SUCCESS, "NtRegisterThreadTerminatePort failed: %#lx\n", status );
    }
    set_msg( &msg, "alive" );
    status = pNtRequestPort( killed_port, &msg.h );
    ok( status == STATUS_SUCCESS, "NtRequestPort failed: %#lx\n", status );
    if (pending)
    {
        set_msg( &msg, "pending" );
        status = pNtRequestWaitReplyPort( killed_port, &msg.h, &reply.h );
        ok( 0, "NtRequestWaitReplyPort returned %#lx\n", status );
    }
    else
    {
        Sleep( 20000 );
        ok( 0, "client was not killed\n" );
    }
}

static void client_killed_idle( const char *name )
{
    client_killed( name, FALSE );
}

static void client_killed_pending( const char *name )
{
    client_killed( name, TRUE );
}

static void test_client_killed( BOOL process, BOOL pending )
{
    struct session s;
    NTSTATUS status;
    lpc_msg msg, reply;
    void *context;
    int type;

    killed_port = NULL;
    if (!session_start( &s, pending ? "killed-pending" : "killed", process, FALSE )) goto done;
    if (!session_accept( &s, NULL, NULL )) goto done;
    if (!expect_msg( s.port, &context, &msg, LPC_DATAGRAM )) goto done;
    check_data( &msg, "alive" );
    if (pending)
    {
        if (!expect_msg( s.port, &context, &msg, LPC_REQUEST )) goto done;
        check_data( &msg, "pending" );
    }
    kill_client( &s.client );

    if (pending)
    {
        /* guess: the request died with its sender */
        make_reply( &reply, &msg, "too late" );
        status = pNtReplyPort( s.comm, &reply.h );
        ok( status == STATUS_REPLY_MESSAGE_MISMATCH || status == STATUS_PORT_DISCONNECTED,
            "NtReplyPort to a dead client: %#lx\n", status );
    }

    if (process)
    {
        /* the killed process's port closes; LPC_CLIENT_DIED would do too */
        status = receive_msg( s.port, &context, &msg, wait_time() );
        ok( status == STATUS_SUCCESS, "no notice of the client's death: %#lx\n", status );
        type = msg.h.u2.s2.Type & 0xff;
        ok( status || type == LPC_PORT_CLOSED || type == LPC_CLIENT_DIED, "type %#x\n", msg.h.u2.s2.Type );
        ok( status || context == s.context, "port context %p\n", context );
    }
    else
    {
        /* guess: a thread ended by TerminateThread notifies its termination
         * ports like one that returns; its port stays open */
        if (!expect_msg( s.port, &context, &msg, LPC_CLIENT_DIED )) goto done;
        ok( context == s.context, "port context %p\n", context );
        ok( NtClose( killed_port ) == STATUS_SUCCESS, "NtClose failed\n" );
        if (!expect_msg( s.port, &context, &msg, LPC_PORT_CLOSED )) goto done;
    }
done:
    session_end( &s );
}

/* the client dies while it waits in NtConnectPort */
static void client_connect_killed( const char *name )
{
    HANDLE port = client_connect( name, NULL, NULL );
    ok( 0, "NtConnectPort returned, port %p\n", port );
}

static void test_client_killed_before_accept( BOOL process )
{
    struct session s;
    NTSTATUS status;
    HANDLE comm;
    lpc_msg msg;
    void *context;

    if (!session_start( &s, "connect-killed", process, FALSE )) goto done;
    if (!expect_msg( s.port, &context, &msg, LPC_CONNECTION_REQUEST )) goto done;
    kill_client( &s.client );

    /* guess: the request went with the client, whether accept notices it at
     * once or the connection breaks right after */
    comm = NULL;
    status = pNtAcceptConnectPort( &comm, s.context, &msg.h, TRUE, NULL, NULL );
    ok( status == STATUS_REPLY_MESSAGE_MISMATCH || status == STATUS_PORT_DISCONNECTED || status == STATUS_SUCCESS,
        "NtAcceptConnectPort: %#lx\n", status );
    if (!status)
    {
        int type;

        pNtCompleteConnectPort( comm );
        status = receive_msg( s.port, &context, &msg, wait_time() );
        ok( status == STATUS_SUCCESS, "no notice of the client's death: %#lx\n", status );
        type = msg.h.u2.s2.Type & 0xff;
        ok( status || type == LPC_PORT_CLOSED || type == LPC_CLIENT_DIED, "type %#x\n", msg.h.u2.s2.Type );
        NtClose( comm );
    }
done:
    session_end( &s );
}

/* the server goes away while the client waits for a reply */
static void client_server_gone( const char *name )
{
    HANDLE port;
    NTSTATUS status;
    lpc_msg msg, reply;

    if (!(port = client_connect( name, NULL, NULL ))) return;
    set_msg( &msg, "blocked" );
    status = pNtRequestWaitReplyPort( port, &msg.h, &reply.h );
    /* guess: STATUS_PORT_DISCONNECTED, as ALPC gives (STATUS_LPC_REPLY_LOST would
     * be the other candidate) */
    ok( status == STATUS_PORT_DISCONNECTED, "NtRequestWaitReplyPort: %#lx\n", status );

    /* and everything after it */
    set_msg( &msg, "after" );
    status = pNtRequestPort( port, &msg.h );
    ok( status == STATUS_PORT_DISCONNECTED, "NtRequestPort: %#lx\n", status );
    status = pNtRequestWaitReplyPort( port, &msg.h, &reply.h );
    ok( status == STATUS_PORT_DISCONNECTED, "NtRequestWaitReplyPort: %#lx\n", status );
    status = NtClose( port );
    ok( status == STATUS_SUCCESS, "NtClose failed: %#lx\n", status );
}

static void test_server_closed( BOOL process )
{
    struct session s;
    lpc_msg msg;
    void *context;

    if (!session_start( &s, "server-gone", process, FALSE )) goto done;
    if (!session_accept( &s, NULL, NULL )) goto done;
    if (!expect_msg( s.port, &context, &msg, LPC_REQUEST )) goto done;
    check_data( &msg, "blocked" );
    ok( NtClose( s.comm ) == STATUS_SUCCESS, "NtClose failed\n" );
    ok( NtClose( s.port ) == STATUS_SUCCESS, "NtClose failed\n" );
    s.comm = s.port = NULL;
done:
    session_end( &s );
}

/* servers in a child process, killed at some point */
static void run_server( const char *scenario, const char *name )
{
    HANDLE port, comm = NULL, ready, got;
    NTSTATUS status;
    lpc_msg msg;

    ready = open_event( name, "ready" );
    got = open_event( name, "got" );
    ok( ready && got, "events not found\n" );
    if (!(port = create_port( name, FALSE, MAX_INFO_LENGTH, MAX_MESSAGE_LENGTH ))) return;
    SetEvent( ready );

    status = receive_msg( port, NULL, &msg, 10000 );
    ok( status == STATUS_SUCCESS && msg.h.u2.s2.Type == LPC_CONNECTION_REQUEST, "%#lx, type %#x\n", status,
        status ? 0 : msg.h.u2.s2.Type );
    if (!strcmp( scenario, "pending" ))
    {
        status = pNtAcceptConnectPort( &comm, NULL, &msg.h, TRUE, NULL, NULL );
        ok( status == STATUS_SUCCESS, "NtAcceptConnectPort failed: %#lx\n", status );
        status = pNtCompleteConnectPort( comm );
        ok( status == STATUS_SUCCESS, "NtCompleteConnectPort failed: %#lx\n", status );
        status = receive_msg( port, NULL, &msg, 10000 );
        ok( status == STATUS_SUCCESS && msg.h.u2.s2.Type == LPC_REQUEST, "%#lx, type %#x\n", status,
            status ? 0 : msg.h.u2.s2.Type );
    }
    SetEvent( got );
    Sleep( 20000 );
    ok( 0, "server was not killed\n" );
}

/* waits for an event a child server sets; fails at once when the child ends first */
#define wait_child_event(e, p, w) wait_child_event_(__FILE__, __LINE__, e, p, w)
static BOOL wait_child_event_( const char *file, int line, HANDLE event, HANDLE process, const char *what )
{
    HANDLE handles[2] = { event, process };
    DWORD ret = WaitForMultipleObjects( 2, handles, FALSE, wait_time() );

    ok_(file, line)( ret == WAIT_OBJECT_0, "%s: %s\n", what,
                     ret == WAIT_OBJECT_0 + 1 ? "the server process ended" : "timed out" );
    if (ret == WAIT_TIMEOUT) note_timeout();
    return ret == WAIT_OBJECT_0;
}

/* the server dies before it accepts: the client's NtConnectPort fails */
static void test_server_gone_before_accept( BOOL process )
{
    PROCESS_INFORMATION pi;
    struct connect_call call;
    char name[MAX_PATH];
    HANDLE port = NULL, ready, got, thread;
    lpc_msg msg;

    make_name( name, bno_dir, "server-killed" );
    ready = create_event( name, "ready" );
    got = create_event( name, "got" );
    memset( &pi, 0, sizeof(pi) );
    memset( &call, 0, sizeof(call) );
    call.status = 0xdeadbeef;
    if (process)
    {
        if (!start_child( "server", "before-accept", name, FALSE, &pi )) goto done;
        CloseHandle( pi.hThread );
        if (!wait_child_event( ready, pi.hProcess, "server start" )) goto done;
    }
    else if (!(port = create_port( name, FALSE, MAX_INFO_LENGTH, MAX_MESSAGE_LENGTH ))) goto done;

    thread = start_connect( &call, name );
    if (process) wait_child_event( got, pi.hProcess, "connection request" );
    else expect_msg( port, NULL, &msg, LPC_CONNECTION_REQUEST );
    if (process)
    {
        TerminateProcess( pi.hProcess, 0x77 );
        ok( !WaitForSingleObject( pi.hProcess, wait_time() ), "server did not die\n" );
    }
    else
    {
        NtClose( port );
        port = NULL;
    }
    /* guess: pending connections fail with STATUS_PORT_CONNECTION_REFUSED (or
     * could with STATUS_OBJECT_NAME_NOT_FOUND) */
    if (wait_thread( thread, wait_time() ))
        ok( call.status == STATUS_PORT_CONNECTION_REFUSED, "NtConnectPort: %#lx\n", call.status );
    if (!call.status) NtClose( call.port );

    /* the name went with the port */
    thread = start_connect( &call, name );
    if (wait_thread( thread, wait_time() ))
        ok( call.status == STATUS_OBJECT_NAME_NOT_FOUND, "NtConnectPort after the server died: %#lx\n", call.status );
    if (!call.status) NtClose( call.port );
done:
    if (pi.hProcess)
    {
        TerminateProcess( pi.hProcess, 0x77 );
        CloseHandle( pi.hProcess );
    }
    if (port) NtClose( port );
    CloseHandle( ready );
    CloseHandle( got );
}

/* the server process is killed while a client thread waits for a reply */
static void test_server_killed_pending(void)
{
    PROCESS_INFORMATION pi;
    struct client client;
    char name[MAX_PATH];
    HANDLE ready, got;

    make_name( name, bno_dir, "server-killed-pending" );
    ready = create_event( name, "ready" );
    got = create_event( name, "got" );
    if (!start_child( "server", "pending", name, FALSE, &pi )) goto done;
    CloseHandle( pi.hThread );
    if (wait_child_event( ready, pi.hProcess, "server start" ) &&
        start_client( &client, FALSE, "server-gone", name ))
    {
        wait_child_event( got, pi.hProcess, "request" );
        TerminateProcess( pi.hProcess, 0x77 );
        ok( !WaitForSingleObject( pi.hProcess, wait_time() ), "server did not die\n" );
        finish_client( &client );
    }
    TerminateProcess( pi.hProcess, 0x77 );
    CloseHandle( pi.hProcess );
done:
    CloseHandle( ready );
    CloseHandle( got );
}


/***********************************************************************
 * 6. Bad input
 */

/* every call that takes a port handle, with a handle that is not a port's */
#define check_bad_handle(h, e) check_bad_handle_(__FILE__, __LINE__, h, e)
static void check_bad_handle_( const char *file, int line, HANDLE handle, NTSTATUS expect )
{
    LARGE_INTEGER timeout;
    lpc_msg msg, reply;
    char buffer[64];
    NTSTATUS status;
    ULONG len;

    set_msg( &msg, "bad handle" );
    status = pNtRequestPort( handle, &msg.h );
    ok_(file, line)( status == expect, "NtRequestPort: %#lx\n", status );
    status = pNtRequestWaitReplyPort( handle, &msg.h, &reply.h );
    ok_(file, line)( status == expect, "NtRequestWaitReplyPort: %#lx\n", status );
    msg.h.ClientId.UniqueProcess = ULongToHandle( GetCurrentProcessId() );
    msg.h.ClientId.UniqueThread = ULongToHandle( GetCurrentThreadId() );
    msg.h.MessageId = 1;
    status = pNtReplyPort( handle, &msg.h );
    ok_(file, line)( status == expect, "NtReplyPort: %#lx\n", status );
    status = pNtReplyWaitReceivePortEx( handle, NULL, NULL, &reply.h, relative_timeout( &timeout, 0 ));
    ok_(file, line)( status == expect, "NtReplyWaitReceivePortEx: %#lx\n", status );
    status = pNtListenPort( handle, &reply.h );
    ok_(file, line)( status == expect, "NtListenPort: %#lx\n", status );
    status = pNtCompleteConnectPort( handle );
    ok_(file, line)( status == expect, "NtCompleteConnectPort: %#lx\n", status );
    status = pNtRegisterThreadTerminatePort( handle );
    ok_(file, line)( status == expect, "NtRegisterThreadTerminatePort: %#lx\n", status );
    status = pNtQueryInformationPort( handle, 0, buffer, sizeof(buffer), &len );
    ok_(file, line)( status == expect, "NtQueryInformationPort: %#lx\n", status );
}

/* check_bad_handle() blocks when a bad handle is taken for a port: bounded in a thread */
struct bad_handle_call
{
    HANDLE   handle;
    NTSTATUS expect;
};

static DWORD WINAPI bad_handle_proc( void *arg )
{
    struct bad_handle_call *call = arg;
    check_bad_handle( call->handle, call->expect );
    return 0;
}

static void check_bad_handle_in_thread( HANDLE handle, NTSTATUS expect )
{
    struct bad_handle_call call = { handle, expect };
    HANDLE thread = CreateThread( NULL, 0, bad_handle_proc, &call, 0, NULL );

    ok( thread != NULL, "CreateThread failed: %lu\n", GetLastError() );
    wait_thread( thread, wait_time() );
}

/* The client side of bad input.  Pointers to unreadable memory give
 * STATUS_ACCESS_VIOLATION, as the probe of a system call on Windows does;
 * an explicit NULL check would give STATUS_INVALID_PARAMETER instead, which
 * nothing public shows for these calls.  Memory at bad_ptr is reserved and
 * aligned, so no alignment check can come first. */
static void client_bad( const char *name )
{
    SECURITY_QUALITY_OF_SERVICE qos;
    OBJECT_ATTRIBUTES attr;
    UNICODE_STRING str, bad_str;
    WCHAR buffer[MAX_PATH];
    char other[MAX_PATH], info[16] = "info";
    LARGE_INTEGER timeout;
    ULONG len, max_len;
    HANDLE port, handle, event;
    NTSTATUS status;
    lpc_msg msg, reply;

    if (!(port = client_connect( name, NULL, NULL ))) return;

    /* messages that cannot be read or written */
    status = pNtRequestPort( port, NULL );
    ok( is_null_status( status ), "NtRequestPort(NULL): %#lx\n", status );
    status = pNtRequestPort( port, bad_ptr );
    ok( status == STATUS_ACCESS_VIOLATION, "NtRequestPort(bad): %#lx\n", status );
    status = pNtRequestWaitReplyPort( port, NULL, &reply.h );
    ok( is_null_status( status ), "NtRequestWaitReplyPort(NULL request): %#lx\n", status );
    status = pNtRequestWaitReplyPort( port, bad_ptr, &reply.h );
    ok( status == STATUS_ACCESS_VIOLATION, "NtRequestWaitReplyPort(bad request): %#lx\n", status );
    set_msg( &msg, "no reply buffer" );
    status = pNtRequestWaitReplyPort( port, &msg.h, NULL );
    ok( is_null_status( status ), "NtRequestWaitReplyPort(NULL reply): %#lx\n", status );
    status = pNtRequestWaitReplyPort( port, &msg.h, bad_ptr );
    ok( status == STATUS_ACCESS_VIOLATION, "NtRequestWaitReplyPort(bad reply): %#lx\n", status );
    status = pNtReplyWaitReceivePortEx( port, NULL, NULL, NULL, relative_timeout( &timeout, 0 ));
    ok( is_null_status( status ), "NtReplyWaitReceivePortEx(NULL): %#lx\n", status );
    status = pNtReplyPort( port, NULL );
    ok( is_null_status( status ), "NtReplyPort(NULL): %#lx\n", status );
    status = pNtReplyPort( port, bad_ptr );
    ok( status == STATUS_ACCESS_VIOLATION, "NtReplyPort(bad): %#lx\n", status );

    /* a reply the client never got a request for */
    set_msg( &msg, "unasked reply" );
    msg.h.ClientId.UniqueProcess = ULongToHandle( GetCurrentProcessId() );
    msg.h.ClientId.UniqueThread = ULongToHandle( GetCurrentThreadId() );
    msg.h.MessageId = 1;
    status = pNtReplyPort( port, &msg.h );
    ok( status == STATUS_REPLY_MESSAGE_MISMATCH, "NtReplyPort(unasked): %#lx\n", status );

    /* guess: a client port is not a communication port a server can complete */
    status = pNtCompleteConnectPort( port );
    ok( status == STATUS_INVALID_PORT_HANDLE, "NtCompleteConnectPort(client port): %#lx\n", status );

    check_bad_lengths( port );

    /* handles that are not ports */
    check_bad_handle( BOGUS_HANDLE, STATUS_INVALID_HANDLE );
    event = CreateEventA( NULL, TRUE, FALSE, NULL );
    check_bad_handle( event, STATUS_OBJECT_TYPE_MISMATCH );

    /* bad arguments to NtConnectPort, on a port that exists */
    init_qos( &qos );
    init_unicode( &str, buffer, name );
    status = pNtConnectPort( NULL, &str, &qos, NULL, NULL, NULL, NULL, NULL );
    ok( is_null_status( status ), "NtConnectPort(NULL handle): %#lx\n", status );
    status = pNtConnectPort( bad_ptr, &str, &qos, NULL, NULL, NULL, NULL, NULL );
    ok( status == STATUS_ACCESS_VIOLATION, "NtConnectPort(bad handle pointer): %#lx\n", status );
    status = pNtConnectPort( &handle, NULL, &qos, NULL, NULL, NULL, NULL, NULL );
    ok( is_null_status( status ), "NtConnectPort(NULL name): %#lx\n", status );
    bad_str = str;
    bad_str.Buffer = bad_ptr;
    status = pNtConnectPort( &handle, &bad_str, &qos, NULL, NULL, NULL, NULL, NULL );
    ok( status == STATUS_ACCESS_VIOLATION, "NtConnectPort(bad name): %#lx\n", status );
    status = pNtConnectPort( &handle, &str, bad_ptr, NULL, NULL, NULL, NULL, NULL );
    ok( status == STATUS_ACCESS_VIOLATION, "NtConnectPort(bad qos): %#lx\n", status );
    status = pNtConnectPort( &handle, &str, &qos, NULL, NULL, bad_ptr, NULL, NULL );
    ok( status == STATUS_ACCESS_VIOLATION, "NtConnectPort(bad max length): %#lx\n", status );
    len = 16;
    status = pNtConnectPort( &handle, &str, &qos, NULL, NULL, &max_len, (void *)1, &len );
    ok( status == STATUS_ACCESS_VIOLATION, "NtConnectPort(bad information): %#lx\n", status );
    status = pNtConnectPort( &handle, &str, &qos, NULL, NULL, &max_len, info, bad_ptr );
    ok( status == STATUS_ACCESS_VIOLATION, "NtConnectPort(bad information length): %#lx\n", status );

    /* names that are not ports */
    sprintf( other, "%s-missing", name );
    init_unicode( &str, buffer, other );
    status = pNtConnectPort( &handle, &str, &qos, NULL, NULL, NULL, NULL, NULL );
    ok( status == STATUS_OBJECT_NAME_NOT_FOUND, "NtConnectPort(%s): %#lx\n", other, status );
    sprintf( other, "%s-nodir\\port", name );
    init_unicode( &str, buffer, other );
    status = pNtConnectPort( &handle, &str, &qos, NULL, NULL, NULL, NULL, NULL );
    ok( status == STATUS_OBJECT_PATH_NOT_FOUND, "NtConnectPort(%s): %#lx\n", other, status );
    CloseHandle( event );

    /* the name is found, but it is not a port's: object manager behaviour */
    sprintf( other, "%s-event", name );
    init_attr( &attr, &str, buffer, other );
    status = NtCreateEvent( &event, EVENT_ALL_ACCESS, &attr, NotificationEvent, FALSE );
    ok( status == STATUS_SUCCESS, "NtCreateEvent(%s) failed: %#lx\n", other, status );
    status = pNtConnectPort( &handle, &str, &qos, NULL, NULL, NULL, NULL, NULL );
    ok( status == STATUS_OBJECT_TYPE_MISMATCH, "NtConnectPort(%s): %#lx\n", other, status );
    NtClose( event );

    /* nothing of the above reached the server: this is the next message */
    set_msg( &msg, "bad-done" );
    status = pNtRequestPort( port, &msg.h );
    ok( status == STATUS_SUCCESS, "NtRequestPort failed: %#lx\n", status );
    status = NtClose( port );
    ok( status == STATUS_SUCCESS, "NtClose failed: %#lx\n", status );
}

static void test_bad_input_client( BOOL process )
{
    struct session s;
    lpc_msg msg;
    void *context;

    int i;

    if (!session_start( &s, "bad", process, FALSE )) goto done;
    if (!session_accept( &s, NULL, NULL )) goto done;
    /* nothing the client did wrong reaches the server */
    for (i = 0; i < 8; i++)
    {
        if (!expect_msg( s.port, &context, &msg, LPC_DATAGRAM )) goto done;
        if (msg.h.u1.s1.DataLength == sizeof("bad-done") && !strcmp( msg.data, "bad-done" )) break;
        ok( 0, "unexpected datagram %s\n", wine_dbgstr_an( msg.data, min( max( msg.h.u1.s1.DataLength, 0 ), 32 )));
    }
    if (!expect_msg( s.port, &context, &msg, LPC_PORT_CLOSED )) goto done;
done:
    session_end( &s );
}

/* the server side of bad input, in this process */
static void test_bad_input_server(void)
{
    char name[MAX_PATH], storage[sizeof(lpc_msg) + 16];
    struct receive_call call;
    UNICODE_STRING str, bad_str;
    OBJECT_ATTRIBUTES attr;
    WCHAR buffer[MAX_PATH];
    LARGE_INTEGER timeout;
    lpc_msg msg, reply, *odd;
    struct pair p;
    HANDLE port, event, thread;
    NTSTATUS status;
    void *context;

    /* NtCreatePort: see client_bad() for the status of unreadable memory */
    make_name( name, bno_dir, "bad-create" );
    init_attr( &attr, &str, buffer, name );
    status = pNtCreatePort( NULL, &attr, MAX_INFO_LENGTH, MAX_MESSAGE_LENGTH, 0 );
    ok( is_null_status( status ), "NtCreatePort(NULL): %#lx\n", status );
    status = pNtCreateWaitablePort( NULL, &attr, MAX_INFO_LENGTH, MAX_MESSAGE_LENGTH, 0 );
    ok( is_null_status( status ), "NtCreateWaitablePort(NULL): %#lx\n", status );
    status = pNtCreatePort( bad_ptr, &attr, MAX_INFO_LENGTH, MAX_MESSAGE_LENGTH, 0 );
    ok( status == STATUS_ACCESS_VIOLATION, "NtCreatePort(bad handle pointer): %#lx\n", status );
    status = pNtCreatePort( &port, bad_ptr, MAX_INFO_LENGTH, MAX_MESSAGE_LENGTH, 0 );
    ok( status == STATUS_ACCESS_VIOLATION, "NtCreatePort(bad attributes): %#lx\n", status );
    if (!status) NtClose( port );
    bad_str = str;
    bad_str.Buffer = bad_ptr;
    attr.ObjectName = &bad_str;
    status = pNtCreatePort( &port, &attr, MAX_INFO_LENGTH, MAX_MESSAGE_LENGTH, 0 );
    ok( status == STATUS_ACCESS_VIOLATION, "NtCreatePort(bad name): %#lx\n", status );
    if (!status) NtClose( port );
    check_in_directory( bno_dir, leaf( name ), FALSE );

    /* An unaligned handle pointer: stored, or refused for its alignment
     * (guess: a probe's alignment check gives STATUS_DATATYPE_MISALIGNMENT) */
    status = pNtCreatePort( (HANDLE *)(storage + 1), NULL, MAX_INFO_LENGTH, MAX_MESSAGE_LENGTH, 0 );
    ok( status == STATUS_SUCCESS || status == STATUS_DATATYPE_MISALIGNMENT, "NtCreatePort(unaligned): %#lx\n", status );
    if (!status)
    {
        memcpy( &port, storage + 1, sizeof(port) );
        check_port_type( port );
        NtClose( port );
    }

    if (!make_pair( &p, "bad-server" )) return;

    /* NtAcceptConnectPort with nothing to accept and bad pointers */
    memset( &msg, 0, sizeof(msg) );
    msg.h.u1.s1.TotalLength = HDR_SIZE;
    msg.h.ClientId.UniqueProcess = ULongToHandle( GetCurrentProcessId() );
    msg.h.ClientId.UniqueThread = ULongToHandle( GetCurrentThreadId() );
    msg.h.MessageId = 1;
    status = pNtAcceptConnectPort( NULL, NULL, &msg.h, TRUE, NULL, NULL );
    ok( is_null_status( status ), "NtAcceptConnectPort(NULL handle): %#lx\n", status );
    status = pNtAcceptConnectPort( &port, NULL, NULL, TRUE, NULL, NULL );
    ok( is_null_status( status ), "NtAcceptConnectPort(NULL message): %#lx\n", status );
    status = pNtAcceptConnectPort( &port, NULL, bad_ptr, TRUE, NULL, NULL );
    ok( status == STATUS_ACCESS_VIOLATION, "NtAcceptConnectPort(bad message): %#lx\n", status );
    /* guess: a request that no client waits for is a mismatch */
    status = pNtAcceptConnectPort( &port, NULL, &msg.h, TRUE, NULL, NULL );
    ok( status == STATUS_REPLY_MESSAGE_MISMATCH, "NtAcceptConnectPort(nothing pending): %#lx\n", status );
    if (!status) NtClose( port );

    /* NtCompleteConnectPort on the wrong ports (guess) */
    status = pNtCompleteConnectPort( p.server );
    ok( status == STATUS_INVALID_PORT_HANDLE, "NtCompleteConnectPort(connection port): %#lx\n", status );
    status = pNtCompleteConnectPort( p.comm );
    ok( status == STATUS_INVALID_PARAMETER, "NtCompleteConnectPort(completed port): %#lx\n", status );

    /* receive and reply buffers that cannot be used.  A message is waiting
     * each time, so a receive that only writes when it has something fails
     * too; whether a refused receive loses the message is not known. */
    set_msg( &msg, "queued" );
    pNtRequestPort( p.client, &msg.h );
    status = pNtReplyWaitReceivePortEx( p.server, NULL, NULL, NULL, relative_timeout( &timeout, 0 ));
    ok( is_null_status( status ), "NtReplyWaitReceivePortEx(NULL): %#lx\n", status );
    set_msg( &msg, "queued" );
    pNtRequestPort( p.client, &msg.h );
    status = pNtReplyWaitReceivePortEx( p.server, NULL, NULL, bad_ptr, relative_timeout( &timeout, 0 ));
    ok( status == STATUS_ACCESS_VIOLATION, "NtReplyWaitReceivePortEx(bad message): %#lx\n", status );
    set_msg( &msg, "queued" );
    pNtRequestPort( p.client, &msg.h );
    status = pNtReplyWaitReceivePortEx( p.server, bad_ptr, NULL, &msg.h, relative_timeout( &timeout, 0 ));
    ok( status == STATUS_ACCESS_VIOLATION, "NtReplyWaitReceivePortEx(bad context): %#lx\n", status );
    set_msg( &msg, "queued" );
    pNtRequestPort( p.client, &msg.h );
    status = pNtReplyWaitReceivePortEx( p.server, NULL, bad_ptr, &msg.h, relative_timeout( &timeout, 0 ));
    ok( status == STATUS_ACCESS_VIOLATION, "NtReplyWaitReceivePortEx(bad reply): %#lx\n", status );
    set_msg( &msg, "queued" );
    pNtRequestPort( p.client, &msg.h );
    status = pNtReplyWaitReceivePortEx( p.server, NULL, NULL, &msg.h, bad_ptr );
    ok( status == STATUS_ACCESS_VIOLATION, "NtReplyWaitReceivePortEx(bad timeout): %#lx\n", status );
    status = pNtReplyPort( p.server, NULL );
    ok( is_null_status( status ), "NtReplyPort(NULL): %#lx\n", status );
    status = pNtReplyPort( p.comm, bad_ptr );
    ok( status == STATUS_ACCESS_VIOLATION, "NtReplyPort(bad): %#lx\n", status );
    drain( p.server );

    /* guess: NtListenPort checks its buffer before it waits */
    thread = start_receive( &call, p.server, TRUE, NULL, TRUE );
    if (wait_thread( thread, wait_time() ))
        ok( is_null_status( call.status ), "NtListenPort(NULL): %#lx\n", call.status );

    /* an unaligned message: refused for its alignment (as above), or delivered intact */
    odd = (lpc_msg *)(storage + 1);
    set_msg( &reply, "unaligned" );
    memcpy( odd, &reply, msg_size( &reply ));
    status = pNtRequestPort( p.client, &odd->h );
    ok( status == STATUS_SUCCESS || status == STATUS_DATATYPE_MISALIGNMENT, "NtRequestPort(unaligned): %#lx\n", status );
    if (!status && expect_msg( p.server, &context, &msg, LPC_DATAGRAM )) check_data( &msg, "unaligned" );
    status = pNtRequestPort( p.client, &reply.h );
    ok( status == STATUS_SUCCESS, "NtRequestPort failed: %#lx\n", status );
    memset( storage, 0xcc, sizeof(storage) );
    status = pNtReplyWaitReceivePortEx( p.server, NULL, NULL, &odd->h, relative_timeout( &timeout, wait_time() ));
    ok( status == STATUS_SUCCESS || status == STATUS_DATATYPE_MISALIGNMENT,
        "NtReplyWaitReceivePortEx(unaligned): %#lx\n", status );
    if (!status)
    {
        memcpy( &msg, odd, sizeof(msg.h) + 16 );
        check_data( &msg, "unaligned" );
    }

    /* and handles of other kinds, on the server's calls */
    event = CreateEventA( NULL, TRUE, FALSE, NULL );
    check_bad_handle_in_thread( event, STATUS_OBJECT_TYPE_MISMATCH );
    CloseHandle( event );
    check_bad_handle_in_thread( BOGUS_HANDLE, STATUS_INVALID_HANDLE );
    close_pair( &p );
}


/***********************************************************************
 * 7. Handles: duplicated into another process, inherited by a child
 */

static HANDLE share_handle_value( const char *port_name, ULONG_PTR **value )
{
    char name[MAX_PATH];
    HANDLE mapping;

    sprintf( name, "%s-handle", leaf( port_name ));
    mapping = CreateFileMappingA( INVALID_HANDLE_VALUE, NULL, PAGE_READWRITE, 0, 0x1000, name );
    ok( mapping != NULL, "CreateFileMapping failed: %lu\n", GetLastError() );
    *value = mapping ? MapViewOfFile( mapping, FILE_MAP_WRITE, 0, 0, 0 ) : NULL;
    ok( *value != NULL, "MapViewOfFile failed: %lu\n", GetLastError() );
    return mapping;
}

static void client_handle( const char *name )
{
    char mapping_name[MAX_PATH];
    HANDLE mapping, go, port = NULL;
    ULONG_PTR *value;
    NTSTATUS status;
    lpc_msg msg;

    go = open_event( name, "go" );
    ok( WaitForSingleObject( go, 10000 ) == WAIT_OBJECT_0, "server did not say go\n" );
    CloseHandle( go );
    sprintf( mapping_name, "%s-handle", leaf( name ));
    mapping = OpenFileMappingA( FILE_MAP_READ, FALSE, mapping_name );
    ok( mapping != NULL, "OpenFileMapping failed: %lu\n", GetLastError() );
    if (!mapping) return;
    if ((value = MapViewOfFile( mapping, FILE_MAP_READ, 0, 0, 0 )))
    {
        port = (HANDLE)*value;
        UnmapViewOfFile( value );
    }
    CloseHandle( mapping );
    ok( port != NULL, "no handle\n" );
    if (!port) return;

    check_port_type( port );
    set_msg( &msg, "handle-datagram" );
    status = pNtRequestPort( port, &msg.h );
    ok( status == STATUS_SUCCESS, "NtRequestPort failed: %#lx\n", status );
    status = NtClose( port );
    ok( status == STATUS_SUCCESS, "NtClose failed: %#lx\n", status );
}

static void test_port_handles( BOOL process, BOOL inherit )
{
    struct client client;
    struct pair p;
    ULONG_PTR *value;
    HANDLE go, mapping, target, remote = NULL;
    NTSTATUS status;
    lpc_msg msg;
    void *context;

    if (!make_pair( &p, inherit ? "inherit" : "duplicate" )) return;
    go = create_event( p.name, "go" );
    mapping = share_handle_value( p.name, &value );
    if (!value) goto done;

    if (inherit)
    {
        ok( SetHandleInformation( p.client, HANDLE_FLAG_INHERIT, HANDLE_FLAG_INHERIT ),
            "SetHandleInformation failed: %lu\n", GetLastError() );
        *value = (ULONG_PTR)p.client;
        if (!start_client_ex( &client, TRUE, "handle", p.name, TRUE )) goto done;
        SetHandleInformation( p.client, HANDLE_FLAG_INHERIT, 0 );
    }
    else
    {
        if (!start_client( &client, process, "handle", p.name )) goto done;
        target = process ? client.handle : GetCurrentProcess();
        status = NtDuplicateObject( GetCurrentProcess(), p.client, target, &remote, 0, 0, DUPLICATE_SAME_ACCESS );
        ok( status == STATUS_SUCCESS, "NtDuplicateObject failed: %#lx\n", status );
        *value = (ULONG_PTR)remote;
    }
    SetEvent( go );

    /* the sender is the thread that sent, not the one that connected */
    if (expect_msg( p.server, &context, &msg, LPC_DATAGRAM ))
    {
        check_data( &msg, "handle-datagram" );
        check_sender( &msg.h, client.pid, client.tid );
        ok( context == p.context, "port context %p, expected %p\n", context, p.context );
    }
    finish_client( &client );

    /* one handle to the client port is left: it is not closed yet (guess: the
     * notice comes with the last handle) */
    expect_no_msg( p.server, 200 );
    ok( NtClose( p.client ) == STATUS_SUCCESS, "NtClose failed\n" );
    p.client = NULL;
    if (expect_msg( p.server, &context, &msg, LPC_PORT_CLOSED ))
        ok( context == p.context, "port context %p\n", context );
done:
    if (value) UnmapViewOfFile( value );
    if (mapping) CloseHandle( mapping );
    CloseHandle( go );
    close_pair( &p );
}


/***********************************************************************
 * Test driver
 */

static const struct client_scenario client_scenarios[] =
{
    { "create", client_create },
    { "waitable", client_waitable },
    { "basic", client_basic },
    { "listen", client_listen },
    { "refuse", client_refuse },
    { "died", client_died },
    { "killed", client_killed_idle },
    { "killed-pending", client_killed_pending },
    { "connect-killed", client_connect_killed },
    { "server-gone", client_server_gone },
    { "bad", client_bad },
    { "handle", client_handle },
};

static void run_client( const char *scenario, const char *port )
{
    run_client_scenario( client_scenarios, ARRAY_SIZE(client_scenarios), scenario, port );
}

START_TEST(lpc)
{
    int argc = winetest_get_mainargs( &test_argv ), process;

    if (!init_functions()) return;
    bad_ptr = VirtualAlloc( NULL, 0x10000, MEM_RESERVE, PAGE_NOACCESS );
    ok( bad_ptr != NULL, "VirtualAlloc failed: %lu\n", GetLastError() );

    if (argc == 3 && !strcmp( test_argv[2], "portinfo" ))
        ExitProcess( pNtQueryPortInformationProcess() );
    if (argc >= 5) start_watchdog( 60000 );
    if (argc >= 5 && !strcmp( test_argv[2], "client" ))
    {
        running_in_child = TRUE;
        run_client( test_argv[3], test_argv[4] );
        return;
    }
    if (argc >= 5 && !strcmp( test_argv[2], "server" ))
    {
        running_in_child = TRUE;
        run_server( test_argv[3], test_argv[4] );
        return;
    }

    /* the harness allows 180 s */
    start_watchdog( 120000 );

#define RUN(call) do { if (!too_many_timeouts()) call; } while (0)
    RUN( test_create_port() );
    RUN( test_port_limits() );
    RUN( test_query_information() );
    RUN( test_bad_input_server() );

    /* the client in a thread of this process, then in a child process */
    for (process = 0; process < 2; process++)
    {
        winetest_push_context( process ? "process" : "thread" );
        RUN( test_create_elsewhere( process ) );
        RUN( test_waitable_port( process ) );
        RUN( test_connect_and_messages( process ) );
        RUN( test_listen( process ) );
        RUN( test_refuse( process ) );
        RUN( test_thread_died( process ) );
        RUN( test_client_killed( process, FALSE ) );
        RUN( test_client_killed( process, TRUE ) );
        RUN( test_client_killed_before_accept( process ) );
        RUN( test_server_closed( process ) );
        RUN( test_server_gone_before_accept( process ) );
        RUN( test_bad_input_client( process ) );
        RUN( test_port_handles( process, FALSE ) );
        winetest_pop_context();
    }
    RUN( test_server_killed_pending() );
    RUN( test_port_handles( TRUE, TRUE ) );
#undef RUN
}
