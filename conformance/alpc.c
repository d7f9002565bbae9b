/*
 * ALPC ports: creation, connection, messages, attributes, senders,
 * impersonation, disconnection, death, interoperation with legacy LPC and
 * concurrent clients, across threads and across processes
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
 * with the client in a child process ("alpc client SCENARIO PORTNAME"),
 * which reports through its own ok() calls and its exit code.  A few
 * scenarios put the server in a child ("alpc server SCENARIO PORTNAME"),
 * to be killed.
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
#define PORT_TEST_PROGRAM "alpc"
#define PORT_TEST_PREFIX "alpc"
#define PORT_TEST_CHECK_START
#include "port_test.h"

/* The ports' MaxMessageLength, a total length, header included (OV, TC).
 * LRPC clients use 0x1000 (NT). */
#define MAX_MESSAGE_LENGTH 0x1000

/* the legacy port of the interoperation tests, as in lpc.c */
#define LPC_MAX_MESSAGE_LENGTH 0x148
#define LPC_MAX_INFO_LENGTH    0x100

typedef struct
{
    TEST_PORT_MESSAGE h;
    char data[MAX_MESSAGE_LENGTH];  /* room for one byte more than any port takes */
} alpc_msg;

/* a receive attribute buffer with only the context attribute */
typedef struct
{
    ALPC_MESSAGE_ATTRIBUTES header;
    ALPC_CONTEXT_ATTR context;
} context_attrs;

/* a MessageId that no message of this test ever has */
#define NEVER_ID 0x7ffffff0

static const char rpc_dir[] = "\\RPC Control";

/* S-1-5-18: the Wine process never runs as LocalSystem */
static SID local_system = { SID_REVISION, 1, { SECURITY_NT_AUTHORITY }, { SECURITY_LOCAL_SYSTEM_RID } };

static NTSTATUS (WINAPI *pNtAlpcCreatePort)(HANDLE *, OBJECT_ATTRIBUTES *, ALPC_PORT_ATTRIBUTES *);
static NTSTATUS (WINAPI *pNtAlpcConnectPort)(HANDLE *, UNICODE_STRING *, OBJECT_ATTRIBUTES *, ALPC_PORT_ATTRIBUTES *,
                                             ULONG, PSID, TEST_PORT_MESSAGE *, SIZE_T *, ALPC_MESSAGE_ATTRIBUTES *,
                                             ALPC_MESSAGE_ATTRIBUTES *, LARGE_INTEGER *);
static NTSTATUS (WINAPI *pNtAlpcAcceptConnectPort)(HANDLE *, HANDLE, ULONG, OBJECT_ATTRIBUTES *,
                                                   ALPC_PORT_ATTRIBUTES *, void *, TEST_PORT_MESSAGE *,
                                                   ALPC_MESSAGE_ATTRIBUTES *, BOOLEAN);
static NTSTATUS (WINAPI *pNtAlpcSendWaitReceivePort)(HANDLE, ULONG, TEST_PORT_MESSAGE *, ALPC_MESSAGE_ATTRIBUTES *,
                                                     TEST_PORT_MESSAGE *, SIZE_T *, ALPC_MESSAGE_ATTRIBUTES *,
                                                     LARGE_INTEGER *);
static NTSTATUS (WINAPI *pNtAlpcDisconnectPort)(HANDLE, ULONG);
static NTSTATUS (WINAPI *pNtAlpcQueryInformation)(HANDLE, ALPC_PORT_INFORMATION_CLASS, void *, ULONG, ULONG *);
static NTSTATUS (WINAPI *pNtAlpcCancelMessage)(HANDLE, ULONG, ALPC_CONTEXT_ATTR *);
static NTSTATUS (WINAPI *pNtAlpcImpersonateClientOfPort)(HANDLE, TEST_PORT_MESSAGE *, void *);
static NTSTATUS (WINAPI *pNtAlpcOpenSenderProcess)(HANDLE *, HANDLE, TEST_PORT_MESSAGE *, ULONG, ACCESS_MASK,
                                                   OBJECT_ATTRIBUTES *);
static NTSTATUS (WINAPI *pNtAlpcOpenSenderThread)(HANDLE *, HANDLE, TEST_PORT_MESSAGE *, ULONG, ACCESS_MASK,
                                                  OBJECT_ATTRIBUTES *);
static NTSTATUS (WINAPI *pAlpcInitializeMessageAttribute)(ULONG, ALPC_MESSAGE_ATTRIBUTES *, SIZE_T, SIZE_T *);
static void *   (WINAPI *pAlpcGetMessageAttribute)(ALPC_MESSAGE_ATTRIBUTES *, ULONG);
static ULONG    (WINAPI *pAlpcMaxAllowedMessageLength)(void);
/* legacy LPC, for the interoperation tests; Windows' prototypes (see lpc.c) */
static NTSTATUS (WINAPI *pNtCreatePort)(HANDLE *, OBJECT_ATTRIBUTES *, ULONG, ULONG, ULONG);
static NTSTATUS (WINAPI *pNtConnectPort)(HANDLE *, UNICODE_STRING *, SECURITY_QUALITY_OF_SERVICE *,
                                         PORT_VIEW *, REMOTE_PORT_VIEW *, ULONG *, void *, ULONG *);
static NTSTATUS (WINAPI *pNtAcceptConnectPort)(HANDLE *, void *, TEST_PORT_MESSAGE *, BOOLEAN,
                                               PORT_VIEW *, REMOTE_PORT_VIEW *);
static NTSTATUS (WINAPI *pNtCompleteConnectPort)(HANDLE);
static NTSTATUS (WINAPI *pNtRequestPort)(HANDLE, TEST_PORT_MESSAGE *);
static NTSTATUS (WINAPI *pNtRequestWaitReplyPort)(HANDLE, TEST_PORT_MESSAGE *, TEST_PORT_MESSAGE *);
static NTSTATUS (WINAPI *pNtReplyPort)(HANDLE, TEST_PORT_MESSAGE *);
static NTSTATUS (WINAPI *pNtReplyWaitReceivePort)(HANDLE, void **, TEST_PORT_MESSAGE *, TEST_PORT_MESSAGE *);
static NTSTATUS (WINAPI *pNtReplyWaitReceivePortEx)(HANDLE, void **, TEST_PORT_MESSAGE *, TEST_PORT_MESSAGE *,
                                                    LARGE_INTEGER *);

static void *bad_ptr;       /* reserved, never committed: every access faults */

static BOOL init_functions(void)
{
    HMODULE ntdll = GetModuleHandleA( "ntdll.dll" );
    BOOL ret = TRUE;

#define GET_PROC(name) \
    p##name = (void *)GetProcAddress( ntdll, #name ); \
    ok( p##name != NULL, #name " is not exported\n" ); \
    if (!p##name) ret = FALSE;

    GET_PROC(NtAlpcCreatePort);
    GET_PROC(NtAlpcConnectPort);
    GET_PROC(NtAlpcAcceptConnectPort);
    GET_PROC(NtAlpcSendWaitReceivePort);
    GET_PROC(NtAlpcDisconnectPort);
    GET_PROC(NtAlpcQueryInformation);
    GET_PROC(NtAlpcCancelMessage);
    GET_PROC(NtAlpcImpersonateClientOfPort);
    GET_PROC(NtAlpcOpenSenderProcess);
    GET_PROC(NtAlpcOpenSenderThread);
    GET_PROC(AlpcInitializeMessageAttribute);
    GET_PROC(AlpcGetMessageAttribute);
    GET_PROC(AlpcMaxAllowedMessageLength);
    GET_PROC(NtCreatePort);
    GET_PROC(NtConnectPort);
    GET_PROC(NtAcceptConnectPort);
    GET_PROC(NtCompleteConnectPort);
    GET_PROC(NtRequestPort);
    GET_PROC(NtRequestWaitReplyPort);
    GET_PROC(NtReplyPort);
    GET_PROC(NtReplyWaitReceivePort);
    GET_PROC(NtReplyWaitReceivePortEx);
#undef GET_PROC
    return ret;
}


/***********************************************************************
 * Names, events, messages, attributes
 */

/* the attributes of every port of this test; OV sets the section limits to SIZE_MAX */
static void init_port_attrs( ALPC_PORT_ATTRIBUTES *attrs, ULONG flags, SIZE_T max_len )
{
    memset( attrs, 0, sizeof(*attrs) );
    attrs->Flags = flags;
    attrs->SecurityQos.Length = sizeof(attrs->SecurityQos);
    attrs->SecurityQos.ImpersonationLevel = SecurityImpersonation;
    attrs->SecurityQos.ContextTrackingMode = SECURITY_STATIC_TRACKING;
    attrs->SecurityQos.EffectiveOnly = FALSE;
    attrs->MaxMessageLength = max_len;
    attrs->MaxPoolUsage = ~(SIZE_T)0;
    attrs->MaxSectionSize = ~(SIZE_T)0;
    attrs->MaxViewSize = ~(SIZE_T)0;
    attrs->MaxTotalSectionSize = ~(SIZE_T)0;
}

/* text as the data of a message, header lengths included */
static void set_data( alpc_msg *msg, const char *text )
{
    SHORT len = strlen( text ) + 1;

    msg->h.u1.s1.DataLength = len;
    msg->h.u1.s1.TotalLength = HDR_SIZE + len;
    memcpy( msg->data, text, len );
}

/* a message carrying text, with a clean header */
static void set_msg( alpc_msg *msg, const char *text )
{
    memset( &msg->h, 0, sizeof(msg->h) );
    set_data( msg, text );
}

/* a message of this total length, filled with a pattern */
static void set_big_msg( alpc_msg *msg, SHORT total, unsigned char seed )
{
    SHORT i;

    memset( &msg->h, 0, sizeof(msg->h) );
    msg->h.u1.s1.DataLength = total - HDR_SIZE;
    msg->h.u1.s1.TotalLength = total;
    for (i = 0; i < total - HDR_SIZE; i++) msg->data[i] = (char)(seed + i * 7);
}

#define check_big_msg(m, t, s) check_big_msg_(__FILE__, __LINE__, m, t, s)
static void check_big_msg_( const char *file, int line, const alpc_msg *msg, SHORT total, unsigned char seed )
{
    SHORT i;

    ok_(file, line)( msg->h.u1.s1.TotalLength == total && msg->h.u1.s1.DataLength == total - HDR_SIZE,
                     "lengths %d/%d, expected %d/%d\n", msg->h.u1.s1.DataLength, msg->h.u1.s1.TotalLength,
                     total - HDR_SIZE, total );
    if (msg->h.u1.s1.DataLength != total - HDR_SIZE) return;
    for (i = 0; i < total - HDR_SIZE; i++) if (msg->data[i] != (char)(seed + i * 7)) break;
    ok_(file, line)( i == total - HDR_SIZE, "data differs at offset %#x\n", i );
}

/* A reply to a received message: its ClientId, MessageId and CallbackId,
 * new data.  The type is left 0 for the kernel to choose (OV's replies
 * zero the whole header). */
static void make_reply( alpc_msg *reply, const alpc_msg *request, const char *text )
{
    reply->h = request->h;
    reply->h.u2.ZeroInit = 0;
    set_data( reply, text );
}

#define check_data(msg, text) check_data_(__FILE__, __LINE__, msg, text)
static void check_data_( const char *file, int line, const alpc_msg *msg, const char *text )
{
    SHORT len = strlen( text ) + 1;

    ok_(file, line)( msg->h.u1.s1.DataLength == len && msg->h.u1.s1.TotalLength == HDR_SIZE + len &&
                     !memcmp( msg->data, text, len ), "lengths %d/%d, data %s, expected %s\n",
                     msg->h.u1.s1.DataLength, msg->h.u1.s1.TotalLength,
                     wine_dbgstr_an( msg->data, min( max( msg->h.u1.s1.DataLength, 0 ), 64 )), text );
}

/* a receive attribute buffer asking for the context attribute, built by ntdll */
static ALPC_MESSAGE_ATTRIBUTES *init_context_attrs( context_attrs *attrs )
{
    SIZE_T needed = 0;
    NTSTATUS status;

    memset( attrs, 0xcc, sizeof(*attrs) );
    status = pAlpcInitializeMessageAttribute( ALPC_MESSAGE_CONTEXT_ATTRIBUTE, &attrs->header, sizeof(*attrs),
                                              &needed );
    ok( status == STATUS_SUCCESS, "AlpcInitializeMessageAttribute failed: %#lx\n", status );
    ok( needed == sizeof(*attrs), "needed %Iu bytes\n", needed );
    ok( pAlpcGetMessageAttribute( &attrs->header, ALPC_MESSAGE_CONTEXT_ATTRIBUTE ) == &attrs->context,
        "context attribute at %p, expected %p\n",
        pAlpcGetMessageAttribute( &attrs->header, ALPC_MESSAGE_CONTEXT_ATTRIBUTE ), &attrs->context );
    attrs->header.ValidAttributes = 0;
    memset( &attrs->context, 0xcc, sizeof(attrs->context) );
    return &attrs->header;
}

/* the context attribute describes the received message and its connection */
#define check_context(a, m, c) check_context_(__FILE__, __LINE__, a, m, c)
static void check_context_( const char *file, int line, const context_attrs *attrs, const alpc_msg *msg,
                            void *port_context )
{
    ok_(file, line)( attrs->header.ValidAttributes & ALPC_MESSAGE_CONTEXT_ATTRIBUTE,
                     "no context attribute, valid %#lx\n", attrs->header.ValidAttributes );
    if (!(attrs->header.ValidAttributes & ALPC_MESSAGE_CONTEXT_ATTRIBUTE)) return;
    ok_(file, line)( attrs->context.PortContext == port_context, "PortContext %p, expected %p\n",
                     attrs->context.PortContext, port_context );
    ok_(file, line)( attrs->context.MessageId == msg->h.MessageId, "context MessageId %#lx, message %#lx\n",
                     attrs->context.MessageId, msg->h.MessageId );
    ok_(file, line)( attrs->context.CallbackId == msg->h.CallbackId, "context CallbackId %#lx, message %#lx\n",
                     attrs->context.CallbackId, msg->h.CallbackId );
}

#define create_port(n, m) create_port_(__FILE__, __LINE__, n, m)
static HANDLE create_port_( const char *file, int line, const char *name, SIZE_T max_len )
{
    ALPC_PORT_ATTRIBUTES attrs;
    UNICODE_STRING str;
    OBJECT_ATTRIBUTES attr;
    WCHAR buffer[MAX_PATH];
    HANDLE port = NULL;
    NTSTATUS status;

    init_attr( &attr, &str, buffer, name );
    init_port_attrs( &attrs, 0, max_len );
    status = pNtAlpcCreatePort( &port, &attr, &attrs );
    ok_(file, line)( status == STATUS_SUCCESS, "NtAlpcCreatePort(%s) failed: %#lx\n", name ? name : "unnamed", status );
    ok_(file, line)( status || port != NULL, "no handle\n" );
    return status ? NULL : port;
}

/* a datagram (OV, TC: RELEASE_MESSAGE on a new message) or any send without a receive */
static NTSTATUS send_msg( HANDLE port, ULONG flags, alpc_msg *msg )
{
    return pNtAlpcSendWaitReceivePort( port, flags, &msg->h, NULL, NULL, NULL, NULL, NULL );
}

/* waits for the next message, with the context attribute when attrs is given */
static NTSTATUS receive_msg( HANDLE port, alpc_msg *msg, context_attrs *attrs, DWORD ms )
{
    LARGE_INTEGER timeout;
    NTSTATUS status;
    SIZE_T len = sizeof(*msg);

    memset( msg, 0xcc, sizeof(*msg) );
    status = pNtAlpcSendWaitReceivePort( port, 0, NULL, NULL, &msg->h, &len, attrs ? init_context_attrs( attrs ) : NULL,
                                         relative_timeout( &timeout, ms ));
    if (status == STATUS_TIMEOUT && ms) note_timeout();
    return status;
}

/* receives until a message of this type arrives; anything else is a failure */
#define expect_msg(p, m, a, t) expect_msg_(__FILE__, __LINE__, p, m, a, t, wait_time())
static BOOL expect_msg_( const char *file, int line, HANDLE port, alpc_msg *msg, context_attrs *attrs,
                         int type, DWORD ms )
{
    NTSTATUS status;
    alpc_msg reply;
    HANDLE comm;
    int i;

    for (i = 0; i < 8; i++)
    {
        status = receive_msg( port, msg, attrs, ms );
        ok_(file, line)( status == STATUS_SUCCESS, "waiting for a message of type %d: %#lx\n", type, status );
        if (status != STATUS_SUCCESS) return FALSE;
        ok_(file, line)( msg->h.u1.s1.TotalLength == HDR_SIZE + msg->h.u1.s1.DataLength,
                         "type %#x: DataLength %d, TotalLength %d\n", msg->h.u2.s2.Type,
                         msg->h.u1.s1.DataLength, msg->h.u1.s1.TotalLength );
        if (MSG_TYPE( msg ) == type) return TRUE;
        ok_(file, line)( 0, "expected a message of type %d, got type %#x with data %s\n", type,
                         msg->h.u2.s2.Type, wine_dbgstr_an( msg->data, min( max( msg->h.u1.s1.DataLength, 0 ), 32 )));
        /* a stray request or connection must not leave its sender blocked */
        if (MSG_TYPE( msg ) == LPC_REQUEST)
        {
            make_reply( &reply, msg, "unexpected" );
            send_msg( port, ALPC_MSGFLG_REPLY_MESSAGE | ALPC_MSGFLG_RELEASE_MESSAGE, &reply );
        }
        else if (MSG_TYPE( msg ) == LPC_CONNECTION_REQUEST)
        {
            comm = NULL;
            pNtAlpcAcceptConnectPort( &comm, port, 0, NULL, NULL, NULL, &msg->h, NULL, FALSE );
            if (comm) NtClose( comm );
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
    alpc_msg msg;
    SIZE_T len = sizeof(msg);

    memset( &msg, 0xcc, sizeof(msg) );
    status = pNtAlpcSendWaitReceivePort( port, 0, NULL, NULL, &msg.h, &len, NULL, relative_timeout( &timeout, ms ));
    ok_(file, line)( status == STATUS_TIMEOUT, "expected STATUS_TIMEOUT, got %#lx (message type %#x)\n", status,
                     status ? 0 : msg.h.u2.s2.Type );
}

/* replies through a port with the given flags */
#define reply_msg(p, f, r, t) reply_msg_(__FILE__, __LINE__, p, f, r, t)
static NTSTATUS reply_msg_( const char *file, int line, HANDLE port, ULONG flags, const alpc_msg *request,
                            const char *text )
{
    alpc_msg reply;
    NTSTATUS status;

    make_reply( &reply, request, text );
    status = send_msg( port, flags, &reply );
    ok_(file, line)( status == STATUS_SUCCESS, "reply %s (flags %#lx) failed: %#lx\n", text, flags, status );
    return status;
}

/* a request that waits for its reply; the reply must be LPC_REPLY with this text */
#define sync_request(p, t, e) sync_request_(__FILE__, __LINE__, p, t, e)
static NTSTATUS sync_request_( const char *file, int line, HANDLE port, const char *text, const char *expect )
{
    LARGE_INTEGER timeout;
    alpc_msg msg, reply;
    NTSTATUS status;
    SIZE_T len = sizeof(reply);

    set_msg( &msg, text );
    memset( &reply, 0xcc, sizeof(reply) );
    status = pNtAlpcSendWaitReceivePort( port, ALPC_MSGFLG_SYNC_REQUEST, &msg.h, NULL, &reply.h, &len, NULL,
                                         relative_timeout( &timeout, CLIENT_WAIT ));
    if (status == STATUS_TIMEOUT) note_timeout();
    ok_(file, line)( status == STATUS_SUCCESS, "synchronous request %s failed: %#lx\n", text, status );
    if (status) return status;
    ok_(file, line)( MSG_TYPE( &reply ) == LPC_REPLY, "reply type %#x\n", reply.h.u2.s2.Type );
    if (expect) check_data_( file, line, &reply, expect );
    return status;
}

/* opens the sender of a received message and compares it with the message's ClientId */
#define check_open_sender(p, m) check_open_sender_(__FILE__, __LINE__, p, m)
static void check_open_sender_( const char *file, int line, HANDLE port, alpc_msg *msg )
{
    OBJECT_ATTRIBUTES attr;
    NTSTATUS status;
    HANDLE handle;

    /* TC: the object attributes must be given, initialised and without a name */
    InitializeObjectAttributes( &attr, NULL, 0, NULL, NULL );
    handle = NULL;
    status = pNtAlpcOpenSenderProcess( &handle, port, &msg->h, 0, PROCESS_QUERY_INFORMATION, &attr );
    ok_(file, line)( status == STATUS_SUCCESS, "NtAlpcOpenSenderProcess failed: %#lx\n", status );
    if (!status)
    {
        ok_(file, line)( GetProcessId( handle ) == HandleToULong( msg->h.ClientId.UniqueProcess ),
                         "process %04lx, expected %p\n", GetProcessId( handle ), msg->h.ClientId.UniqueProcess );
        NtClose( handle );
    }
    handle = NULL;
    status = pNtAlpcOpenSenderThread( &handle, port, &msg->h, 0, THREAD_QUERY_INFORMATION, &attr );
    ok_(file, line)( status == STATUS_SUCCESS, "NtAlpcOpenSenderThread failed: %#lx\n", status );
    if (!status)
    {
        ok_(file, line)( GetThreadId( handle ) == HandleToULong( msg->h.ClientId.UniqueThread ),
                         "thread %04lx, expected %p\n", GetThreadId( handle ), msg->h.ClientId.UniqueThread );
        NtClose( handle );
    }
}

static BOOL get_token_user( char *buffer, ULONG size )
{
    HANDLE token = NULL;
    NTSTATUS status;
    ULONG len;

    NtOpenProcessToken( GetCurrentProcess(), TOKEN_QUERY, &token );
    ok( token != NULL, "no process token\n" );
    if (!token) return FALSE;
    status = NtQueryInformationToken( token, TokenUser, buffer, size, &len );
    ok( status == STATUS_SUCCESS, "NtQueryInformationToken(TokenUser) failed: %#lx\n", status );
    NtClose( token );
    return !status;
}


/***********************************************************************
 * Clients: a thread of this process or a child process
 */

/* the client side is port_test.h's; one scenario puts the server in a child */
static void run_server( const char *scenario, const char *port );

/* NtAlpcConnectPort as a client script does, synchronous, with a timeout */
#define client_connect(n, f, i, r) client_connect_(__FILE__, __LINE__, n, f, i, r, NULL)
static HANDLE client_connect_( const char *file, int line, const char *name, ULONG flags, const char *info,
                               const char *expect_info, PSID sid )
{
    ALPC_PORT_ATTRIBUTES attrs;
    LARGE_INTEGER timeout;
    UNICODE_STRING str;
    WCHAR buffer[MAX_PATH];
    alpc_msg msg;
    SIZE_T len = sizeof(msg);
    HANDLE port = NULL;
    NTSTATUS status;

    init_unicode( &str, buffer, name );
    init_port_attrs( &attrs, flags, MAX_MESSAGE_LENGTH );
    if (info) set_msg( &msg, info );
    status = pNtAlpcConnectPort( &port, &str, NULL, &attrs, ALPC_SYNC_CONNECTION, sid, info ? &msg.h : NULL,
                                 info ? &len : NULL, NULL, NULL, relative_timeout( &timeout, CLIENT_WAIT ));
    if (status == STATUS_TIMEOUT) note_timeout();
    ok_(file, line)( status == STATUS_SUCCESS, "NtAlpcConnectPort(%s) failed: %#lx\n", name, status );
    if (status != STATUS_SUCCESS) return NULL;
    ok_(file, line)( port != NULL, "no port handle\n" );
    /* the server's accept message comes back in the connection message (CS, TC) */
    if (expect_info) check_data_( file, line, &msg, expect_info );
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
    void  *context;     /* the port context given at accept */
    struct client client;
};

static BOOL session_init( struct session *s, const char *dir, const char *scenario )
{
    memset( s, 0, sizeof(*s) );
    make_name( s->name, dir, scenario );
    s->context = (void *)(ULONG_PTR)(0x5e550000 + name_counter);
    s->go = create_event( s->name, "go" );
    s->port = create_port( s->name, MAX_MESSAGE_LENGTH );
    return s->port != NULL;
}

static BOOL session_start( struct session *s, const char *scenario, BOOL process )
{
    if (!session_init( s, bno_dir, scenario )) return FALSE;
    return start_client( &s->client, process, scenario, s->name );
}

/* accepts a received connection request; the reply text, if any, replaces
 * its data and is what the client gets back (CS, TC) */
#define accept_msg(s, m, r) accept_msg_(__FILE__, __LINE__, s, m, r)
static BOOL accept_msg_( const char *file, int line, struct session *s, alpc_msg *msg, const char *reply )
{
    NTSTATUS status;

    if (reply) set_data( msg, reply );
    status = pNtAlpcAcceptConnectPort( &s->comm, s->port, 0, NULL, NULL, s->context, &msg->h, NULL, TRUE );
    ok_(file, line)( status == STATUS_SUCCESS, "NtAlpcAcceptConnectPort failed: %#lx\n", status );
    if (status)
    {
        s->comm = NULL;
        return FALSE;
    }
    ok_(file, line)( s->comm != NULL, "no communication port\n" );
    return s->comm != NULL;
}

/* receives the client's connection request, checks it and accepts it */
#define session_accept(s, i, r) session_accept_(__FILE__, __LINE__, s, i, r)
static BOOL session_accept_( const char *file, int line, struct session *s, const char *info, const char *reply )
{
    context_attrs attrs;
    alpc_msg msg;

    /* a child process has to start first */
    if (!expect_msg_( file, line, s->port, &msg, &attrs, LPC_CONNECTION_REQUEST, 2 * wait_time() )) return FALSE;
    check_sender_( file, line, &msg.h, s->client.pid, s->client.tid );
    ok_(file, line)( msg.h.MessageId != 0, "no MessageId\n" );
    /* OV: a connection request has no port context yet */
    check_context_( file, line, &attrs, &msg, NULL );
    if (info) check_data_( file, line, &msg, info );
    /* guess: without a connection message the request has no data */
    else ok_(file, line)( !msg.h.u1.s1.DataLength, "DataLength %d\n", msg.h.u1.s1.DataLength );

    return accept_msg_( file, line, s, &msg, reply );
}

/* the client closed its port: LPC_PORT_CLOSED on the connection port */
#define expect_closed(s) expect_closed_(__FILE__, __LINE__, s)
static BOOL expect_closed_( const char *file, int line, struct session *s )
{
    context_attrs attrs;
    alpc_msg msg;

    if (!expect_msg_( file, line, s->port, &msg, &attrs, LPC_PORT_CLOSED, wait_time() )) return FALSE;
    /* guess: the notice comes with the connection's port context, as every message from that client (OV) */
    if (attrs.header.ValidAttributes & ALPC_MESSAGE_CONTEXT_ATTRIBUTE)
        ok_(file, line)( attrs.context.PortContext == s->context, "PortContext %p, expected %p\n",
                         attrs.context.PortContext, s->context );
    return TRUE;
}

/* the client is gone without closing its port: TC takes either notice for that */
#define expect_gone(s) expect_gone_(__FILE__, __LINE__, s)
static void expect_gone_( const char *file, int line, struct session *s )
{
    context_attrs attrs;
    NTSTATUS status;
    alpc_msg msg;
    int type;

    status = receive_msg( s->port, &msg, &attrs, wait_time() );
    ok_(file, line)( status == STATUS_SUCCESS, "no notice of the client's death: %#lx\n", status );
    type = MSG_TYPE( &msg );
    ok_(file, line)( status || type == LPC_PORT_CLOSED || type == LPC_CLIENT_DIED, "type %#x\n", msg.h.u2.s2.Type );
}

static void session_end( struct session *s )
{
    finish_client( &s->client );
    if (s->comm) NtClose( s->comm );
    if (s->port) NtClose( s->port );
    s->comm = s->port = NULL;
    close_handle( &s->go );
}

/* a new "ping" client process or thread on the session's port: a plain
 * connection, a request and a close work */
#define session_ping(s, p) session_ping_(__FILE__, __LINE__, s, p)
static void session_ping_( const char *file, int line, struct session *s, BOOL process )
{
    context_attrs attrs;
    alpc_msg msg;

    if (s->comm) NtClose( s->comm );
    s->comm = NULL;
    if (!start_client( &s->client, process, "ping", s->name )) return;
    if (!session_accept_( file, line, s, "ping-hello", "pong-welcome" )) return;
    if (!expect_msg_( file, line, s->port, &msg, &attrs, LPC_REQUEST, wait_time() )) return;
    check_data_( file, line, &msg, "ping" );
    check_sender_( file, line, &msg.h, s->client.pid, s->client.tid );
    check_context_( file, line, &attrs, &msg, s->context );
    reply_msg_( file, line, s->comm, ALPC_MSGFLG_REPLY_MESSAGE | ALPC_MSGFLG_RELEASE_MESSAGE, &msg, "pong" );
    expect_closed_( file, line, s );
}


/***********************************************************************
 * 1. NtAlpcCreatePort
 */

static void test_create_port(void)
{
    char name[MAX_PATH], rpc_name[MAX_PATH];
    ALPC_PORT_ATTRIBUTES attrs;
    UNICODE_STRING str;
    OBJECT_ATTRIBUTES attr;
    WCHAR buffer[MAX_PATH];
    HANDLE port, rpc_port, other, unnamed, unnamed2;
    NTSTATUS status;
    ULONG max;

    /* local RPC's directory, and the named objects' (OV, CS) */
    make_name( rpc_name, rpc_dir, "create" );
    rpc_port = create_port( rpc_name, MAX_MESSAGE_LENGTH );
    if (!rpc_port) return;
    check_port_type( rpc_port );
    check_in_directory( rpc_dir, leaf( rpc_name ), TRUE );

    init_attr( &attr, &str, buffer, rpc_name );
    init_port_attrs( &attrs, 0, MAX_MESSAGE_LENGTH );
    other = NULL;
    status = pNtAlpcCreatePort( &other, &attr, &attrs );
    ok( status == STATUS_OBJECT_NAME_COLLISION, "NtAlpcCreatePort(%s): %#lx\n", rpc_name, status );
    if (!status) NtClose( other );
    /* one namespace for both kinds of port */
    status = pNtCreatePort( &other, &attr, LPC_MAX_INFO_LENGTH, LPC_MAX_MESSAGE_LENGTH, 0 );
    ok( status == STATUS_OBJECT_NAME_COLLISION, "NtCreatePort(%s): %#lx\n", rpc_name, status );
    if (!status) NtClose( other );

    /* no attributes at all (TC's client passes none to NtAlpcAcceptConnectPort; guess for create) */
    make_name( name, bno_dir, "create" );
    init_attr( &attr, &str, buffer, name );
    port = NULL;
    status = pNtAlpcCreatePort( &port, &attr, NULL );
    ok( status == STATUS_SUCCESS, "NtAlpcCreatePort(%s, NULL) failed: %#lx\n", name, status );
    if (!status)
    {
        check_port_type( port );
        check_in_directory( bno_dir, leaf( name ), TRUE );
        status = pNtAlpcCreatePort( &other, &attr, NULL );
        ok( status == STATUS_OBJECT_NAME_COLLISION, "NtAlpcCreatePort(%s): %#lx\n", name, status );
        if (!status) NtClose( other );
        NtClose( port );
        check_in_directory( bno_dir, leaf( name ), FALSE );
    }

    /* unnamed ports never collide: no object attributes, or no name in them */
    unnamed = unnamed2 = NULL;
    status = pNtAlpcCreatePort( &unnamed, NULL, NULL );
    ok( status == STATUS_SUCCESS, "NtAlpcCreatePort(NULL, NULL) failed: %#lx\n", status );
    init_attr( &attr, &str, buffer, NULL );
    init_port_attrs( &attrs, 0, MAX_MESSAGE_LENGTH );
    status = pNtAlpcCreatePort( &unnamed2, &attr, &attrs );
    ok( status == STATUS_SUCCESS, "NtAlpcCreatePort(no name) failed: %#lx\n", status );
    ok( !unnamed || !unnamed2 || unnamed != unnamed2, "same handle twice\n" );
    if (unnamed)
    {
        check_port_type( unnamed );
        NtClose( unnamed );
    }
    if (unnamed2)
    {
        check_port_type( unnamed2 );
        NtClose( unnamed2 );
    }

    /* CS: MaxMessageLength may not exceed AlpcMaxAllowedMessageLength() */
    max = pAlpcMaxAllowedMessageLength();
    ok( max > MAX_MESSAGE_LENGTH, "AlpcMaxAllowedMessageLength() %#lx\n", max );
    make_name( name, bno_dir, "limits" );
    init_attr( &attr, &str, buffer, name );
    init_port_attrs( &attrs, 0, max + 1 );
    port = NULL;
    status = pNtAlpcCreatePort( &port, &attr, &attrs );
    ok( status == STATUS_INVALID_PARAMETER, "NtAlpcCreatePort(MaxMessageLength %#lx): %#lx\n", max + 1, status );
    if (!status) NtClose( port );
    /* a refused creation leaves no name behind */
    check_in_directory( bno_dir, leaf( name ), FALSE );
    init_port_attrs( &attrs, 0, max );
    status = pNtAlpcCreatePort( &port, &attr, &attrs );
    ok( status == STATUS_SUCCESS, "NtAlpcCreatePort(MaxMessageLength %#lx) failed: %#lx\n", max, status );
    if (!status) NtClose( port );

    status = pNtAlpcCreatePort( NULL, NULL, NULL );
    ok( is_null_status( status ), "NtAlpcCreatePort(NULL handle): %#lx\n", status );
    status = pNtAlpcCreatePort( bad_ptr, NULL, NULL );
    ok( status == STATUS_ACCESS_VIOLATION, "NtAlpcCreatePort(bad handle pointer): %#lx\n", status );

    /* ports are not permanent: the name goes with the last handle */
    NtClose( rpc_port );
    check_in_directory( rpc_dir, leaf( rpc_name ), FALSE );
    rpc_port = create_port( rpc_name, MAX_MESSAGE_LENGTH );
    if (rpc_port) NtClose( rpc_port );
}


/* What upstream Wine's dlls/ntdll/tests/alpc.c, which Wine's testbot runs on
 * Windows, shows of parameters ("UW" below) */
static void test_windows_parameters(void)
{
    char name[MAX_PATH];
    ALPC_PORT_ATTRIBUTES attrs;
    ALPC_BASIC_INFORMATION info;
    LARGE_INTEGER timeout;
    UNICODE_STRING str;
    OBJECT_ATTRIBUTES attr;
    WCHAR buffer[MAX_PATH];
    alpc_msg msg;
    SIZE_T needed;
    HANDLE port;
    NTSTATUS status;
    ULONG flag, ret;

    /* UW: without a buffer only the size is checked */
    needed = 0;
    status = pAlpcInitializeMessageAttribute( ALPC_MESSAGE_CONTEXT_ATTRIBUTE, NULL,
                                              sizeof(ALPC_MESSAGE_ATTRIBUTES) + sizeof(ALPC_CONTEXT_ATTR), &needed );
    ok( status == STATUS_SUCCESS, "AlpcInitializeMessageAttribute without a buffer: %#lx\n", status );
    ok( needed == sizeof(ALPC_MESSAGE_ATTRIBUTES) + sizeof(ALPC_CONTEXT_ATTR), "needed %Iu\n", needed );

    /* UW: every flag bit is taken, but the kernel's SYSTEM_PROCESS */
    make_name( name, bno_dir, "flags" );
    init_attr( &attr, &str, buffer, name );
    for (flag = 1; flag; flag <<= 1)
    {
        init_port_attrs( &attrs, flag, MAX_MESSAGE_LENGTH );
        port = NULL;
        status = pNtAlpcCreatePort( &port, &attr, &attrs );
        if (flag == ALPC_PORFLG_SYSTEM_PROCESS)
            ok( status == STATUS_INVALID_PARAMETER, "flag %#lx: %#lx\n", flag, status );
        else
            ok( status == STATUS_SUCCESS, "flag %#lx: %#lx\n", flag, status );
        if (!status) NtClose( port );
    }

    /* UW: the flags asked for are reported; a receive needs no length */
    init_port_attrs( &attrs, ALPC_PORFLG_ALLOW_LPC_REQUESTS, MAX_MESSAGE_LENGTH );
    port = NULL;
    status = pNtAlpcCreatePort( &port, NULL, &attrs );
    ok( status == STATUS_SUCCESS, "NtAlpcCreatePort failed: %#lx\n", status );
    if (status) return;
    memset( &info, 0xcc, sizeof(info) );
    ret = 0;
    status = pNtAlpcQueryInformation( port, AlpcBasicInformation, &info, sizeof(info), &ret );
    ok( status == STATUS_SUCCESS, "AlpcBasicInformation: %#lx\n", status );
    ok( ret == sizeof(info), "length %lu\n", ret );
    ok( info.Flags == ALPC_PORFLG_ALLOW_LPC_REQUESTS, "Flags %#lx\n", info.Flags );
    ok( !info.SequenceNo && !info.PortContext, "SequenceNo %lu, PortContext %p\n", info.SequenceNo, info.PortContext );
    /* guess: the usual NT rule for a short buffer */
    ret = 0;
    status = pNtAlpcQueryInformation( port, AlpcBasicInformation, &info, sizeof(info) - 1, &ret );
    ok( status == STATUS_INFO_LENGTH_MISMATCH, "short buffer: %#lx\n", status );
    ok( ret == sizeof(info), "required length %lu\n", ret );
    status = pNtAlpcSendWaitReceivePort( port, 0, NULL, NULL, &msg.h, NULL, NULL, relative_timeout( &timeout, 0 ));
    ok( status == STATUS_TIMEOUT, "receive without a length: %#lx\n", status );
    NtClose( port );

    /* UW: a synchronous request without a length through a bad handle fails for the handle */
    set_msg( &msg, "nobody" );
    msg.h.MessageId = 1;
    status = pNtAlpcSendWaitReceivePort( BOGUS_HANDLE, ALPC_MSGFLG_SYNC_REQUEST, &msg.h, NULL, &msg.h, NULL,
                                         NULL, NULL );
    ok( status == STATUS_INVALID_HANDLE, "request through a bad handle: %#lx\n", status );
}


/***********************************************************************
 * 2. NtAlpcConnectPort and NtAlpcAcceptConnectPort
 */

static const char hello[] = "client-hello";
static const char welcome[] = "welcome, client: a longer accept message";

/* NtAlpcConnectPort whose status is all that counts */
static NTSTATUS try_connect( const char *name, PSID sid, alpc_msg *msg, DWORD ms, HANDLE *port )
{
    ALPC_PORT_ATTRIBUTES attrs;
    LARGE_INTEGER timeout;
    UNICODE_STRING str;
    WCHAR buffer[MAX_PATH];
    SIZE_T len = sizeof(*msg);

    init_unicode( &str, buffer, name );
    init_port_attrs( &attrs, 0, MAX_MESSAGE_LENGTH );
    *port = NULL;
    return pNtAlpcConnectPort( port, &str, NULL, &attrs, ALPC_SYNC_CONNECTION, sid, msg ? &msg->h : NULL,
                               msg ? &len : NULL, NULL, NULL, relative_timeout( &timeout, ms ));
}

static void client_connect_script( const char *name )
{
    char missing[MAX_PATH], user[256];
    HANDLE port;
    NTSTATUS status;
    alpc_msg msg;

    sprintf( missing, "%s-missing", name );
    status = try_connect( missing, NULL, NULL, CLIENT_WAIT, &port );
    ok( status == STATUS_OBJECT_NAME_NOT_FOUND, "NtAlpcConnectPort(%s): %#lx\n", missing, status );
    if (!status) NtClose( port );

    /* the server does not run as LocalSystem: refused (CS for the status;
     * guess: before the server hears of it) */
    status = try_connect( name, &local_system, NULL, CLIENT_WAIT, &port );
    ok( status == STATUS_SERVER_SID_MISMATCH, "NtAlpcConnectPort(LocalSystem): %#lx\n", status );
    if (!status) NtClose( port );

    /* a connection message longer than the port takes */
    set_msg( &msg, "too long" );
    msg.h.u1.s1.DataLength = MAX_MESSAGE_LENGTH - HDR_SIZE + 1;
    msg.h.u1.s1.TotalLength = MAX_MESSAGE_LENGTH + 1;
    status = try_connect( name, NULL, &msg, CLIENT_WAIT, &port );
    ok( status == STATUS_PORT_MESSAGE_TOO_LONG, "NtAlpcConnectPort(too long): %#lx\n", status );
    if (!status) NtClose( port );

    /* the server refuses this one (CS) */
    set_msg( &msg, "refuse me" );
    status = try_connect( name, NULL, &msg, CLIENT_WAIT, &port );
    ok( status == STATUS_PORT_CONNECTION_REFUSED, "NtAlpcConnectPort(refused): %#lx\n", status );
    if (!status) NtClose( port );

    /* guess: an answer longer than the client's buffer is not truncated: the
     * connect fails, says how long the answer is, and the connection goes */
    {
        ALPC_PORT_ATTRIBUTES attrs;
        LARGE_INTEGER timeout;
        UNICODE_STRING str;
        WCHAR buffer[MAX_PATH];
        SIZE_T len;

        set_msg( &msg, "short" );
        len = HDR_SIZE + sizeof("short");
        init_unicode( &str, buffer, name );
        init_port_attrs( &attrs, 0, MAX_MESSAGE_LENGTH );
        port = (HANDLE)0xdeadbeef;
        status = pNtAlpcConnectPort( &port, &str, NULL, &attrs, ALPC_SYNC_CONNECTION, NULL, &msg.h, &len, NULL,
                                     NULL, relative_timeout( &timeout, CLIENT_WAIT ));
        ok( status == STATUS_BUFFER_TOO_SMALL, "NtAlpcConnectPort(short buffer): %#lx\n", status );
        ok( len == HDR_SIZE + sizeof(welcome), "length %Iu\n", len );
        ok( !port, "port %p\n", port );
        if (!status) NtClose( port );
    }

    /* and accepts this one, made with the right server SID */
    if (!get_token_user( user, sizeof(user) )) return;
    port = client_connect_( __FILE__, __LINE__, name, 0, hello, welcome, ((TOKEN_USER *)user)->User.Sid );
    if (!port) return;
    check_port_type( port );
    status = NtClose( port );
    ok( status == STATUS_SUCCESS, "NtClose failed: %#lx\n", status );
}

static void test_connect( BOOL process )
{
    ALPC_BASIC_INFORMATION info;
    context_attrs attrs;
    struct session s;
    NTSTATUS status;
    BOOL refused = FALSE;
    HANDLE comm;
    alpc_msg msg;
    ULONG len;
    int i;

    if (!session_start( &s, "connect", process )) goto done;

    /* Only "refuse me", then the hello, should arrive: the attempts before
     * them fail in the client.  Anything else is refused, so that the
     * client goes on to its next attempt. */
    for (i = 0; i < 5; i++)
    {
        if (!expect_msg_( __FILE__, __LINE__, s.port, &msg, &attrs, LPC_CONNECTION_REQUEST, 2 * wait_time() ))
            goto done;
        check_sender( &msg.h, s.client.pid, s.client.tid );
        ok( msg.h.MessageId != 0, "no MessageId\n" );
        check_context( &attrs, &msg, NULL );
        if (msg.h.u1.s1.DataLength == sizeof(hello) && !strcmp( msg.data, hello )) break;
        if (msg.h.u1.s1.DataLength == sizeof("short") && !strcmp( msg.data, "short" ))
        {
            /* accepted with more than its buffer takes: the client goes at once */
            if (!accept_msg( &s, &msg, welcome )) goto done;
            if (!expect_msg( s.port, &msg, &attrs, LPC_PORT_CLOSED )) goto done;
            NtClose( s.comm );
            s.comm = NULL;
            continue;
        }
        if (msg.h.u1.s1.DataLength == sizeof("refuse me") && !strcmp( msg.data, "refuse me" )) refused = TRUE;
        else ok( 0, "unexpected connection request, lengths %d/%d, data %s\n", msg.h.u1.s1.DataLength,
                 msg.h.u1.s1.TotalLength, wine_dbgstr_an( msg.data, min( max( msg.h.u1.s1.DataLength, 0 ), 32 )));
        /* guess: refusing succeeds and gives no port (TC: accept must be called either way) */
        comm = NULL;
        status = pNtAlpcAcceptConnectPort( &comm, s.port, 0, NULL, NULL, s.context, &msg.h, NULL, FALSE );
        ok( status == STATUS_SUCCESS, "NtAlpcAcceptConnectPort(FALSE) failed: %#lx\n", status );
        if (comm) NtClose( comm );
    }
    ok( refused, "the client did not ask to be refused\n" );
    if (i == 5) goto done;

    /* the accepted one: its sender can be opened before accept (TC) */
    check_data( &msg, hello );
    check_open_sender( s.port, &msg );

    if (!accept_msg( &s, &msg, welcome )) goto done;
    check_port_type( s.comm );

    /* the accept's context comes back from the communication port */
    memset( &info, 0xcc, sizeof(info) );
    len = 0xdeadbeef;
    status = pNtAlpcQueryInformation( s.comm, AlpcBasicInformation, &info, sizeof(info), &len );
    ok( status == STATUS_SUCCESS, "NtAlpcQueryInformation(AlpcBasicInformation) failed: %#lx\n", status );
    if (!status)
    {
        ok( len == sizeof(info), "ReturnLength %lu\n", len );
        ok( info.PortContext == s.context, "PortContext %p, expected %p\n", info.PortContext, s.context );
    }

    expect_closed( &s );
done:
    session_end( &s );
}

/* nobody answers: the connect ends with its timeout, a success code */
struct connect_call
{
    char     name[MAX_PATH];
    HANDLE   port;      /* the client's */
    NTSTATUS status;
};

static DWORD WINAPI timeout_connect_proc( void *arg )
{
    struct connect_call *call = arg;
    alpc_msg msg;

    set_msg( &msg, "nobody there" );
    call->status = try_connect( call->name, NULL, &msg, 300, &call->port );
    return 0;
}

struct blocked_receive
{
    HANDLE   port;
    NTSTATUS status;
};

static DWORD WINAPI blocked_receive_proc( void *arg )
{
    struct blocked_receive *call = arg;
    alpc_msg msg;

    call->status = receive_msg( call->port, &msg, NULL, 3 * CLIENT_WAIT );
    return 0;
}

/* Closing the last handle of a connection port ends a receive another thread
 * is waiting in (LA stops its worker this way); the status is not known, so
 * only a failure in time is asked for. */
static void test_close_while_receiving(void)
{
    struct blocked_receive call;
    char name[MAX_PATH];
    HANDLE thread;

    make_name( name, bno_dir, "close-receiving" );
    call.status = 0xdeadbeef;
    if (!(call.port = create_port( name, MAX_MESSAGE_LENGTH ))) return;
    thread = CreateThread( NULL, 0, blocked_receive_proc, &call, 0, NULL );
    ok( thread != NULL, "CreateThread failed: %lu\n", GetLastError() );
    ok( WaitForSingleObject( thread, 200 ) == WAIT_TIMEOUT, "the receive did not wait\n" );
    NtClose( call.port );
    if (wait_thread( thread, CLIENT_WAIT ))
        ok( !NT_SUCCESS( call.status ), "the receive ended with %#lx\n", call.status );
}

static void test_connect_timeout(void)
{
    struct connect_call call;
    HANDLE thread, port;

    memset( &call, 0, sizeof(call) );
    make_name( call.name, bno_dir, "timeout" );
    call.status = 0xdeadbeef;
    if (!(port = create_port( call.name, MAX_MESSAGE_LENGTH ))) return;
    thread = CreateThread( NULL, 0, timeout_connect_proc, &call, 0, NULL );
    ok( thread != NULL, "CreateThread failed: %lu\n", GetLastError() );
    if (wait_thread( thread, wait_time() ))
    {
        ok( call.status == STATUS_TIMEOUT, "NtAlpcConnectPort: %#lx\n", call.status );
        if (NT_SUCCESS( call.status ) && call.port) NtClose( call.port );
    }
    NtClose( port );
}


/***********************************************************************
 * 3. NtAlpcSendWaitReceivePort: datagrams, requests, replies
 */

/* OV: an answer is a zeroed header with the lengths and the identity of the
 * message it answers, MessageId and CallbackId; ClientId stays 0 */
static void make_zeroed_answer( alpc_msg *answer, const alpc_msg *msg, const char *text )
{
    set_msg( answer, text );
    answer->h.MessageId = msg->h.MessageId;
    answer->h.CallbackId = msg->h.CallbackId;
}

/* OV's pattern: connect with data, a request with flags 0 and its reply received
 * apart, a synchronous request */
static void client_zeroed( const char *name )
{
    LARGE_INTEGER timeout;
    alpc_msg msg, reply;
    NTSTATUS status;
    HANDLE port;
    SIZE_T len;

    if (!(port = client_connect( name, 0, "zeroed-hello", "zeroed-welcome" ))) return;
    set_msg( &msg, "zeroed-request" );
    status = send_msg( port, 0, &msg );
    ok( status == STATUS_SUCCESS, "request failed: %#lx\n", status );
    if (!status && expect_msg_( __FILE__, __LINE__, port, &reply, NULL, LPC_REPLY, CLIENT_WAIT ))
        check_data( &reply, "zeroed-reply" );
    set_msg( &msg, "zeroed-sync" );
    len = sizeof(reply);
    status = pNtAlpcSendWaitReceivePort( port, ALPC_MSGFLG_SYNC_REQUEST, &msg.h, NULL, &reply.h, &len, NULL,
                                         relative_timeout( &timeout, CLIENT_WAIT ));
    ok( status == STATUS_SUCCESS, "synchronous request failed: %#lx\n", status );
    if (!status) check_data( &reply, "zeroed-sync-reply" );
    NtClose( port );
}

static void test_zeroed_answers( BOOL process )
{
    struct session s;
    context_attrs attrs;
    alpc_msg msg, answer;
    NTSTATUS status;

    if (!session_start( &s, "zeroed", process )) goto done;
    if (!expect_msg( s.port, &msg, &attrs, LPC_CONNECTION_REQUEST )) goto done;
    check_data( &msg, "zeroed-hello" );
    make_zeroed_answer( &answer, &msg, "zeroed-welcome" );
    status = pNtAlpcAcceptConnectPort( &s.comm, s.port, 0, NULL, NULL, s.context, &answer.h, NULL, TRUE );
    ok( status == STATUS_SUCCESS, "accept with a zeroed header: %#lx\n", status );
    if (status) goto done;

    if (!expect_msg( s.port, &msg, &attrs, LPC_REQUEST )) goto done;
    check_data( &msg, "zeroed-request" );
    make_zeroed_answer( &answer, &msg, "zeroed-reply" );
    status = send_msg( s.comm, ALPC_MSGFLG_RELEASE_MESSAGE, &answer );
    ok( status == STATUS_SUCCESS, "reply with a zeroed header: %#lx\n", status );

    if (!expect_msg( s.port, &msg, &attrs, LPC_REQUEST )) goto done;
    check_data( &msg, "zeroed-sync" );
    make_zeroed_answer( &answer, &msg, "zeroed-sync-reply" );
    status = send_msg( s.comm, ALPC_MSGFLG_RELEASE_MESSAGE, &answer );
    ok( status == STATUS_SUCCESS, "reply with a zeroed header: %#lx\n", status );
    /* guess: answered once, a second answer finds nothing to answer */
    status = send_msg( s.comm, ALPC_MSGFLG_RELEASE_MESSAGE, &answer );
    ok( status == STATUS_REPLY_MESSAGE_MISMATCH, "second reply: %#lx\n", status );
    expect_closed( &s );
done:
    session_end( &s );
}

static void client_basic( const char *name )
{
    LARGE_INTEGER timeout;
    alpc_msg msg, reply;
    NTSTATUS status;
    HANDLE port;
    SIZE_T len;
    ULONG id;
    char text[64];
    int i;

    if (!(port = client_connect( name, 0, NULL, NULL ))) return;

    /* three datagrams (OV: RELEASE_MESSAGE on a new message), received in
     * order; the second one lies about its sender */
    for (i = 1; i <= 3; i++)
    {
        sprintf( text, "datagram-%d", i );
        set_msg( &msg, text );
        if (i == 2)
        {
            msg.h.ClientId.UniqueProcess = FORGED_PROCESS;
            msg.h.ClientId.UniqueThread = FORGED_THREAD;
        }
        status = send_msg( port, ALPC_MSGFLG_RELEASE_MESSAGE, &msg );
        ok( status == STATUS_SUCCESS, "datagram %d failed: %#lx\n", i, status );
    }

    /* request-1 lies about its sender and id; replied through the communication port */
    set_msg( &msg, "request-1" );
    msg.h.ClientId.UniqueProcess = FORGED_PROCESS;
    msg.h.ClientId.UniqueThread = FORGED_THREAD;
    msg.h.MessageId = FORGED_ID;
    memset( &reply, 0xcc, sizeof(reply) );
    len = sizeof(reply);
    status = pNtAlpcSendWaitReceivePort( port, ALPC_MSGFLG_SYNC_REQUEST, &msg.h, NULL, &reply.h, &len, NULL,
                                         relative_timeout( &timeout, CLIENT_WAIT ));
    ok( status == STATUS_SUCCESS, "request-1 failed: %#lx\n", status );
    if (!status)
    {
        ok( MSG_TYPE( &reply ) == LPC_REPLY, "reply type %#x\n", reply.h.u2.s2.Type );
        check_data( &reply, "reply-1" );
    }

    /* request-2: replied through the connection port (TC) */
    sync_request( port, "request-2", "reply-2" );
    /* request-3: the server tries wrong replies first */
    sync_request( port, "request-3", "reply-3" );

    /* async-1: a request without SYNC_REQUEST; its reply arrives on this
     * port later (OV), and the server tells us the request's id */
    set_msg( &msg, "async-1" );
    status = send_msg( port, 0, &msg );
    ok( status == STATUS_SUCCESS, "async request failed: %#lx\n", status );
    memset( &reply, 0xcc, sizeof(reply) );
    len = sizeof(reply);
    status = pNtAlpcSendWaitReceivePort( port, 0, NULL, NULL, &reply.h, &len, NULL,
                                         relative_timeout( &timeout, CLIENT_WAIT ));
    ok( status == STATUS_SUCCESS, "receiving the async reply failed: %#lx\n", status );
    if (!status)
    {
        ok( MSG_TYPE( &reply ) == LPC_REPLY, "type %#x\n", reply.h.u2.s2.Type );
        ok( sscanf( reply.data, "async-reply %lx", &id ) == 1, "data %s\n", wine_dbgstr_an( reply.data, 32 ));
        ok( reply.h.MessageId == id, "reply MessageId %#lx, request %#lx\n", reply.h.MessageId, id );
    }

    /* a request from the server (OV): received here, answered here */
    memset( &msg, 0xcc, sizeof(msg) );
    len = sizeof(msg);
    status = pNtAlpcSendWaitReceivePort( port, 0, NULL, NULL, &msg.h, &len, NULL,
                                         relative_timeout( &timeout, CLIENT_WAIT ));
    ok( status == STATUS_SUCCESS, "receiving the server's request failed: %#lx\n", status );
    if (!status)
    {
        ok( MSG_TYPE( &msg ) == LPC_REQUEST, "type %#x\n", msg.h.u2.s2.Type );
        ok( msg.h.u2.s2.Type & LPC_CONTINUATION_REQUIRED, "type %#x\n", msg.h.u2.s2.Type );
        check_data( &msg, "server-request" );
        ok( msg.h.MessageId != 0, "no MessageId\n" );
        sprintf( text, "client-reply %lx", msg.h.MessageId );
        reply_msg( port, ALPC_MSGFLG_REPLY_MESSAGE | ALPC_MSGFLG_RELEASE_MESSAGE, &msg, text );
    }

    /* the reply is a message of ours: let the server receive it before we close */
    wait_for_go( name );
    status = NtClose( port );
    ok( status == STATUS_SUCCESS, "NtClose failed: %#lx\n", status );
}

static void test_messages( BOOL process )
{
    OBJECT_ATTRIBUTES attr;
    context_attrs attrs;
    struct session s;
    alpc_msg msg, wrong;
    ULONG ids[8], id;
    NTSTATUS status;
    HANDLE handle;
    char text[64];
    int i, n = 0;

    if (!session_init( &s, rpc_dir, "basic" )) goto done;
    if (!start_client( &s.client, process, "basic", s.name )) goto done;
    if (!session_accept( &s, NULL, NULL )) goto done;

    /* the datagrams, in order, each with its sender, id and context */
    for (i = 1; i <= 3; i++)
    {
        if (!expect_msg( s.port, &msg, &attrs, LPC_DATAGRAM )) goto done;
        sprintf( text, "datagram-%d", i );
        check_data( &msg, text );
        check_sender( &msg.h, s.client.pid, s.client.tid );
        ok( msg.h.MessageId != 0, "no MessageId\n" );
        check_context( &attrs, &msg, s.context );
        ids[n++] = msg.h.MessageId;
    }

    /* request-1: the kernel's fields are the kernel's; the request waits for
     * its reply (LPC_CONTINUATION_REQUIRED, OV) */
    if (!expect_msg( s.port, &msg, &attrs, LPC_REQUEST )) goto done;
    ok( msg.h.u2.s2.Type & LPC_CONTINUATION_REQUIRED, "type %#x\n", msg.h.u2.s2.Type );
    check_data( &msg, "request-1" );
    check_sender( &msg.h, s.client.pid, s.client.tid );
    ok( msg.h.MessageId != 0 && msg.h.MessageId != FORGED_ID, "MessageId %#lx\n", msg.h.MessageId );
    check_context( &attrs, &msg, s.context );
    ids[n++] = msg.h.MessageId;
    /* the sender of a request that awaits its reply (TC) */
    check_open_sender( s.port, &msg );
    reply_msg( s.comm, ALPC_MSGFLG_REPLY_MESSAGE | ALPC_MSGFLG_RELEASE_MESSAGE, &msg, "reply-1" );

    /* request-2: TC replies through the connection port, with RELEASE_MESSAGE alone */
    if (!expect_msg( s.port, &msg, &attrs, LPC_REQUEST )) goto done;
    check_data( &msg, "request-2" );
    check_context( &attrs, &msg, s.context );
    ids[n++] = msg.h.MessageId;
    reply_msg( s.port, ALPC_MSGFLG_RELEASE_MESSAGE, &msg, "reply-2" );

    /* request-3: replies that match nothing (the issue's rule; guess for the status) */
    if (!expect_msg( s.port, &msg, &attrs, LPC_REQUEST )) goto done;
    check_data( &msg, "request-3" );
    ids[n++] = msg.h.MessageId;
    make_reply( &wrong, &msg, "wrong MessageId" );
    wrong.h.MessageId = NEVER_ID;
    status = send_msg( s.comm, ALPC_MSGFLG_REPLY_MESSAGE | ALPC_MSGFLG_RELEASE_MESSAGE, &wrong );
    ok( status == STATUS_REPLY_MESSAGE_MISMATCH, "reply to a message never received: %#lx\n", status );
    status = send_msg( s.port, ALPC_MSGFLG_REPLY_MESSAGE | ALPC_MSGFLG_RELEASE_MESSAGE, &wrong );
    ok( status == STATUS_REPLY_MESSAGE_MISMATCH, "reply to a message never received, connection port: %#lx\n",
        status );
    /* the same for the sender of a message never received: any failure */
    InitializeObjectAttributes( &attr, NULL, 0, NULL, NULL );
    handle = NULL;
    status = pNtAlpcOpenSenderProcess( &handle, s.port, &wrong.h, 0, PROCESS_QUERY_INFORMATION, &attr );
    ok( !NT_SUCCESS( status ), "NtAlpcOpenSenderProcess(never received): %#lx\n", status );
    if (NT_SUCCESS( status ) && handle) NtClose( handle );
    handle = NULL;
    status = pNtAlpcOpenSenderThread( &handle, s.port, &wrong.h, 0, THREAD_QUERY_INFORMATION, &attr );
    ok( !NT_SUCCESS( status ), "NtAlpcOpenSenderThread(never received): %#lx\n", status );
    if (NT_SUCCESS( status ) && handle) NtClose( handle );
    /* the right reply, then the same again */
    if (reply_msg( s.comm, ALPC_MSGFLG_REPLY_MESSAGE | ALPC_MSGFLG_RELEASE_MESSAGE, &msg, "reply-3" )) goto done;
    make_reply( &wrong, &msg, "second reply" );
    status = send_msg( s.comm, ALPC_MSGFLG_REPLY_MESSAGE | ALPC_MSGFLG_RELEASE_MESSAGE, &wrong );
    ok( status == STATUS_REPLY_MESSAGE_MISMATCH, "second reply: %#lx\n", status );
    status = send_msg( s.port, ALPC_MSGFLG_REPLY_MESSAGE | ALPC_MSGFLG_RELEASE_MESSAGE, &wrong );
    ok( status == STATUS_REPLY_MESSAGE_MISMATCH, "second reply, connection port: %#lx\n", status );

    /* async-1, answered with REPLY_MESSAGE alone (CS); the reply names the id */
    if (!expect_msg( s.port, &msg, &attrs, LPC_REQUEST )) goto done;
    check_data( &msg, "async-1" );
    check_sender( &msg.h, s.client.pid, s.client.tid );
    check_context( &attrs, &msg, s.context );
    ids[n++] = msg.h.MessageId;
    sprintf( text, "async-reply %lx", msg.h.MessageId );
    reply_msg( s.comm, ALPC_MSGFLG_REPLY_MESSAGE, &msg, text );

    /* every message had its own id */
    for (i = 1; i < n; i++) ok( ids[i] != ids[i - 1], "MessageId %#lx twice\n", ids[i] );

    /* nothing is queued: a receive with no time to wait ends at once (OV) */
    expect_no_msg( s.port, 0 );

    /* a request of the server's own, through the communication port; the
     * client's reply arrives on the connection port (OV) */
    set_msg( &msg, "server-request" );
    status = send_msg( s.comm, 0, &msg );
    ok( status == STATUS_SUCCESS, "request through the communication port failed: %#lx\n", status );
    if (status) goto done;
    if (!expect_msg( s.port, &msg, &attrs, LPC_REPLY )) goto done;
    ok( sscanf( msg.data, "client-reply %lx", &id ) == 1, "data %s\n", wine_dbgstr_an( msg.data, 32 ));
    ok( msg.h.MessageId == id, "reply MessageId %#lx, request %#lx\n", msg.h.MessageId, id );
    check_sender( &msg.h, s.client.pid, s.client.tid );
    check_context( &attrs, &msg, s.context );
    SetEvent( s.go );

    expect_closed( &s );
    expect_no_msg( s.port, 100 );
done:
    session_end( &s );
}


/***********************************************************************
 * 3b. Lengths: short receive buffers, the largest messages, bad lengths
 */

static const char small_buffer[] = "small-buffer: this datagram does not fit in a bare header";

static void client_lengths( const char *name )
{
    LARGE_INTEGER timeout;
    alpc_msg msg, reply;
    NTSTATUS status;
    HANDLE port;
    SIZE_T len;

    if (!(port = client_connect( name, 0, NULL, NULL ))) return;

    set_msg( &msg, small_buffer );
    status = send_msg( port, ALPC_MSGFLG_RELEASE_MESSAGE, &msg );
    ok( status == STATUS_SUCCESS, "datagram failed: %#lx\n", status );

    /* as long as the port takes */
    set_big_msg( &msg, MAX_MESSAGE_LENGTH, 1 );
    status = send_msg( port, ALPC_MSGFLG_RELEASE_MESSAGE, &msg );
    ok( status == STATUS_SUCCESS, "datagram of %#x bytes failed: %#lx\n", MAX_MESSAGE_LENGTH, status );

    /* one byte more (the issue's rule; guess for the status) */
    set_big_msg( &msg, MAX_MESSAGE_LENGTH + 1, 2 );
    status = send_msg( port, ALPC_MSGFLG_RELEASE_MESSAGE, &msg );
    ok( status == STATUS_PORT_MESSAGE_TOO_LONG, "datagram of %#x bytes: %#lx\n", MAX_MESSAGE_LENGTH + 1, status );
    len = sizeof(reply);
    status = pNtAlpcSendWaitReceivePort( port, ALPC_MSGFLG_SYNC_REQUEST, &msg.h, NULL, &reply.h, &len, NULL,
                                         relative_timeout( &timeout, CLIENT_WAIT ));
    ok( status == STATUS_PORT_MESSAGE_TOO_LONG, "request of %#x bytes: %#lx\n", MAX_MESSAGE_LENGTH + 1, status );

    /* more data than the total length holds (guess: refused) */
    set_msg( &msg, "data beyond the total" );
    msg.h.u1.s1.TotalLength = HDR_SIZE + 4;
    status = send_msg( port, ALPC_MSGFLG_RELEASE_MESSAGE, &msg );
    ok( status == STATUS_INVALID_PARAMETER, "DataLength beyond TotalLength: %#lx\n", status );

    /* CS: a synchronous request needs somewhere to put its reply */
    set_msg( &msg, "no receive buffer" );
    status = pNtAlpcSendWaitReceivePort( port, ALPC_MSGFLG_SYNC_REQUEST, &msg.h, NULL, NULL, NULL, NULL,
                                         relative_timeout( &timeout, CLIENT_WAIT ));
    ok( status == STATUS_LPC_RECEIVE_BUFFER_EXPECTED, "SYNC_REQUEST without a receive buffer: %#lx\n", status );

    /* the largest request and the largest reply */
    set_big_msg( &msg, MAX_MESSAGE_LENGTH, 3 );
    memset( &reply, 0xcc, sizeof(reply) );
    len = sizeof(reply);
    status = pNtAlpcSendWaitReceivePort( port, ALPC_MSGFLG_SYNC_REQUEST, &msg.h, NULL, &reply.h, &len, NULL,
                                         relative_timeout( &timeout, CLIENT_WAIT ));
    ok( status == STATUS_SUCCESS, "request of %#x bytes failed: %#lx\n", MAX_MESSAGE_LENGTH, status );
    if (!status)
    {
        ok( MSG_TYPE( &reply ) == LPC_REPLY, "type %#x\n", reply.h.u2.s2.Type );
        check_big_msg( &reply, MAX_MESSAGE_LENGTH, 4 );
    }

    /* nothing refused above reached the server */
    sync_request( port, "lengths-done", "bye" );
    status = NtClose( port );
    ok( status == STATUS_SUCCESS, "NtClose failed: %#lx\n", status );
}

static void test_lengths( BOOL process )
{
    context_attrs attrs;
    LARGE_INTEGER timeout;
    struct session s;
    alpc_msg msg, reply;
    NTSTATUS status;
    SIZE_T len;

    if (!session_start( &s, "lengths", process )) goto done;
    if (!session_accept( &s, NULL, NULL )) goto done;

    /* a buffer too short: the length needed comes back and the message
     * stays queued (the issue's rule; the reference lists both as unknown) */
    memset( &msg, 0xcc, sizeof(msg) );
    len = HDR_SIZE + 8;
    status = pNtAlpcSendWaitReceivePort( s.port, 0, NULL, NULL, &msg.h, &len, NULL,
                                         relative_timeout( &timeout, 2 * wait_time() ));
    ok( status == STATUS_BUFFER_TOO_SMALL, "receive into %u bytes: %#lx\n", HDR_SIZE + 8, status );
    if (status == STATUS_TIMEOUT) note_timeout();
    if (status == STATUS_BUFFER_TOO_SMALL)
        ok( len == HDR_SIZE + sizeof(small_buffer), "length %Iu, expected %Iu\n", len,
            (SIZE_T)HDR_SIZE + sizeof(small_buffer) );
    if (status == STATUS_SUCCESS) check_data( &msg, small_buffer );
    else
    {
        if (!expect_msg( s.port, &msg, &attrs, LPC_DATAGRAM )) goto done;
        check_data( &msg, small_buffer );
        check_context( &attrs, &msg, s.context );
    }

    if (!expect_msg( s.port, &msg, &attrs, LPC_DATAGRAM )) goto done;
    check_big_msg( &msg, MAX_MESSAGE_LENGTH, 1 );

    if (!expect_msg( s.port, &msg, &attrs, LPC_REQUEST )) goto done;
    check_big_msg( &msg, MAX_MESSAGE_LENGTH, 3 );
    set_big_msg( &reply, MAX_MESSAGE_LENGTH, 4 );
    reply.h.ClientId = msg.h.ClientId;
    reply.h.MessageId = msg.h.MessageId;
    reply.h.CallbackId = msg.h.CallbackId;
    status = send_msg( s.comm, ALPC_MSGFLG_REPLY_MESSAGE | ALPC_MSGFLG_RELEASE_MESSAGE, &reply );
    ok( status == STATUS_SUCCESS, "reply of %#x bytes failed: %#lx\n", MAX_MESSAGE_LENGTH, status );

    if (!expect_msg( s.port, &msg, &attrs, LPC_REQUEST )) goto done;
    check_data( &msg, "lengths-done" );
    reply_msg( s.comm, ALPC_MSGFLG_REPLY_MESSAGE | ALPC_MSGFLG_RELEASE_MESSAGE, &msg, "bye" );
    expect_closed( &s );
done:
    session_end( &s );
}


/***********************************************************************
 * 6. NtAlpcImpersonateClientOfPort: allowed by the client's port flags
 */

static void client_impersonate( const char *name )
{
    HANDLE port;

    /* CS, NT: the client allows it in its port attributes, at the level of its QoS */
    if ((port = client_connect( name, ALPC_PORFLG_ALLOW_IMPERSONATION, NULL, NULL )))
    {
        sync_request( port, "impersonate me", "done" );
        sync_request( port, "impersonate me again", "done" );
        NtClose( port );
    }
    if ((port = client_connect( name, 0, NULL, NULL )))
    {
        sync_request( port, "do not impersonate me", "done" );
        NtClose( port );
    }
}

static void revert_to_self(void)
{
    HANDLE none = NULL;
    NTSTATUS status = NtSetInformationThread( GetCurrentThread(), ThreadImpersonationToken, &none, sizeof(none) );
    ok( status == STATUS_SUCCESS, "reverting failed: %#lx\n", status );
}

/* impersonates the sender of msg through port, or fails to */
#define check_impersonation(p, m, e) check_impersonation_(__FILE__, __LINE__, p, m, e)
static void check_impersonation_( const char *file, int line, HANDLE port, alpc_msg *msg, BOOL expect )
{
    NTSTATUS status;
    HANDLE token;

    status = pNtAlpcImpersonateClientOfPort( port, &msg->h, NULL );
    if (!expect)
    {
        ok_(file, line)( !NT_SUCCESS( status ), "NtAlpcImpersonateClientOfPort without permission: %#lx\n", status );
        if (NT_SUCCESS( status )) revert_to_self();
        return;
    }
    ok_(file, line)( status == STATUS_SUCCESS, "NtAlpcImpersonateClientOfPort failed: %#lx\n", status );
    if (status) return;
    token = NULL;
    status = NtOpenThreadToken( GetCurrentThread(), TOKEN_QUERY, TRUE, &token );
    ok_(file, line)( status == STATUS_SUCCESS, "NtOpenThreadToken failed: %#lx\n", status );
    if (!status) NtClose( token );
    revert_to_self();
    /* and the thread is itself again */
    status = NtOpenThreadToken( GetCurrentThread(), TOKEN_QUERY, TRUE, &token );
    ok_(file, line)( status == STATUS_NO_TOKEN, "NtOpenThreadToken after reverting: %#lx\n", status );
    if (!status) NtClose( token );
}

static void test_impersonation( BOOL process )
{
    context_attrs attrs;
    struct session s;
    alpc_msg msg;

    if (!session_start( &s, "impersonate", process )) goto done;
    if (!session_accept( &s, NULL, NULL )) goto done;

    /* CS impersonates through the communication port */
    if (!expect_msg( s.port, &msg, &attrs, LPC_REQUEST )) goto done;
    check_data( &msg, "impersonate me" );
    check_impersonation( s.comm, &msg, TRUE );
    reply_msg( s.comm, ALPC_MSGFLG_REPLY_MESSAGE | ALPC_MSGFLG_RELEASE_MESSAGE, &msg, "done" );

    /* guess: the connection port, which received it, will do as well */
    if (!expect_msg( s.port, &msg, &attrs, LPC_REQUEST )) goto done;
    check_data( &msg, "impersonate me again" );
    check_impersonation( s.port, &msg, TRUE );
    reply_msg( s.comm, ALPC_MSGFLG_REPLY_MESSAGE | ALPC_MSGFLG_RELEASE_MESSAGE, &msg, "done" );
    if (!expect_closed( &s )) goto done;
    NtClose( s.comm );
    s.comm = NULL;

    /* without ALPC_PORFLG_ALLOW_IMPERSONATION */
    if (!session_accept( &s, NULL, NULL )) goto done;
    if (!expect_msg( s.port, &msg, &attrs, LPC_REQUEST )) goto done;
    check_data( &msg, "do not impersonate me" );
    check_impersonation( s.comm, &msg, FALSE );
    reply_msg( s.comm, ALPC_MSGFLG_REPLY_MESSAGE | ALPC_MSGFLG_RELEASE_MESSAGE, &msg, "done" );
    expect_closed( &s );
done:
    session_end( &s );
}


/* ALPC_MSGFLG_WAIT_ALERTABLE: a receive that waits runs the thread's user
 * APCs and ends with STATUS_USER_APC; without it they wait (guess, as for
 * NtWaitForSingleObject's Alertable) */
static void WINAPI count_apc( ULONG_PTR arg )
{
    (*(LONG *)arg)++;
}

static void test_alertable(void)
{
    LARGE_INTEGER timeout;
    alpc_msg msg;
    HANDLE port;
    NTSTATUS status;
    LONG count = 0;
    SIZE_T len;

    status = pNtAlpcCreatePort( &port, NULL, NULL );
    ok( status == STATUS_SUCCESS, "NtAlpcCreatePort failed: %#lx\n", status );
    if (status) return;
    ok( QueueUserAPC( count_apc, GetCurrentThread(), (ULONG_PTR)&count ), "QueueUserAPC failed\n" );

    len = sizeof(msg);
    status = pNtAlpcSendWaitReceivePort( port, 0, NULL, NULL, &msg.h, &len, NULL, relative_timeout( &timeout, 50 ));
    ok( status == STATUS_TIMEOUT, "receive, not alertable: %#lx\n", status );
    ok( count == 0, "the APC ran %ld times\n", count );

    len = sizeof(msg);
    status = pNtAlpcSendWaitReceivePort( port, ALPC_MSGFLG_WAIT_ALERTABLE, NULL, NULL, &msg.h, &len, NULL,
                                         relative_timeout( &timeout, wait_time() ));
    ok( status == STATUS_USER_APC, "alertable receive: %#lx\n", status );
    ok( count == 1, "the APC ran %ld times\n", count );

    /* with no APC queued it times out as any receive */
    len = sizeof(msg);
    status = pNtAlpcSendWaitReceivePort( port, ALPC_MSGFLG_WAIT_ALERTABLE, NULL, NULL, &msg.h, &len, NULL,
                                         relative_timeout( &timeout, 50 ));
    ok( status == STATUS_TIMEOUT, "alertable receive without an APC: %#lx\n", status );
    NtClose( port );
}

/* The connection port's security descriptor applies to NtAlpcConnectPort:
 * a DACL that grants nothing refuses even its owner's connection; a NULL
 * DACL lets anyone connect (object manager rules). */
static void test_port_security(void)
{
    SECURITY_DESCRIPTOR sd;
    ALPC_PORT_ATTRIBUTES attrs;
    OBJECT_ATTRIBUTES attr;
    LARGE_INTEGER timeout;
    UNICODE_STRING str;
    WCHAR buffer[MAX_PATH];
    char name[MAX_PATH];
    ACL acl;
    HANDLE port = NULL, client = NULL;
    NTSTATUS status;

    make_name( name, bno_dir, "security" );
    InitializeSecurityDescriptor( &sd, SECURITY_DESCRIPTOR_REVISION );
    InitializeAcl( &acl, sizeof(acl), ACL_REVISION );
    SetSecurityDescriptorDacl( &sd, TRUE, &acl, FALSE );
    init_attr( &attr, &str, buffer, name );
    attr.SecurityDescriptor = &sd;
    init_port_attrs( &attrs, 0, MAX_MESSAGE_LENGTH );
    status = pNtAlpcCreatePort( &port, &attr, &attrs );
    ok( status == STATUS_SUCCESS, "NtAlpcCreatePort with an empty DACL failed: %#lx\n", status );
    if (status) return;
    status = pNtAlpcConnectPort( &client, &str, NULL, &attrs, ALPC_SYNC_CONNECTION, NULL, NULL, NULL, NULL, NULL,
                                 relative_timeout( &timeout, 100 ));
    ok( status == STATUS_ACCESS_DENIED, "connecting through an empty DACL: %#lx\n", status );
    if (!status) NtClose( client );
    /* nothing reached the port */
    expect_no_msg( port, 0 );
    NtClose( port );

    SetSecurityDescriptorDacl( &sd, TRUE, NULL, FALSE );
    status = pNtAlpcCreatePort( &port, &attr, &attrs );
    ok( status == STATUS_SUCCESS, "NtAlpcCreatePort with a NULL DACL failed: %#lx\n", status );
    if (status) return;
    client = NULL;
    status = pNtAlpcConnectPort( &client, &str, NULL, &attrs, 0, NULL, NULL, NULL, NULL, NULL, NULL );
    ok( status == STATUS_SUCCESS, "asynchronous connect through a NULL DACL failed: %#lx\n", status );
    if (!status)
    {
        context_attrs cattrs;
        HANDLE refused;
        alpc_msg msg;

        if (expect_msg( port, &msg, &cattrs, LPC_CONNECTION_REQUEST ))
            pNtAlpcAcceptConnectPort( &refused, port, 0, NULL, NULL, NULL, &msg.h, NULL, FALSE );
        NtClose( client );
    }
    NtClose( port );
}


/***********************************************************************
 * 4. Disconnection, closing and death
 */

static void client_disconnect( const char *name )
{
    alpc_msg msg, reply;
    LARGE_INTEGER timeout;
    NTSTATUS status;
    HANDLE port;
    SIZE_T len;

    /* NtAlpcDisconnectPort, then the port is dead (TC disconnects before closing) */
    if (!(port = client_connect( name, 0, NULL, NULL ))) return;
    sync_request( port, "before", "ok" );
    status = pNtAlpcDisconnectPort( port, 0 );
    ok( status == STATUS_SUCCESS, "NtAlpcDisconnectPort failed: %#lx\n", status );
    set_msg( &msg, "after" );
    status = send_msg( port, ALPC_MSGFLG_RELEASE_MESSAGE, &msg );
    ok( status == STATUS_PORT_DISCONNECTED, "datagram after disconnecting: %#lx\n", status );
    len = sizeof(reply);
    status = pNtAlpcSendWaitReceivePort( port, ALPC_MSGFLG_SYNC_REQUEST, &msg.h, NULL, &reply.h, &len, NULL,
                                         relative_timeout( &timeout, CLIENT_WAIT ));
    ok( status == STATUS_PORT_DISCONNECTED, "request after disconnecting: %#lx\n", status );
    status = NtClose( port );
    ok( status == STATUS_SUCCESS, "NtClose failed: %#lx\n", status );

    /* closing the handle does the same (OV) */
    if (!wait_for_go( name )) return;
    if (!(port = client_connect( name, 0, NULL, NULL ))) return;
    sync_request( port, "closing", "ok" );
    status = NtClose( port );
    ok( status == STATUS_SUCCESS, "NtClose failed: %#lx\n", status );

    /* guess: flag 1 (phnt: skip the flush of what is pending) leaves what the
     * client sent queued for the server; no other flag is known */
    if (!(port = client_connect( name, 0, NULL, NULL ))) return;
    status = pNtAlpcDisconnectPort( port, 2 );
    ok( status == STATUS_INVALID_PARAMETER, "NtAlpcDisconnectPort(2): %#lx\n", status );
    set_msg( &msg, "kept" );
    status = send_msg( port, ALPC_MSGFLG_RELEASE_MESSAGE, &msg );
    ok( status == STATUS_SUCCESS, "datagram failed: %#lx\n", status );
    status = pNtAlpcDisconnectPort( port, 1 );
    ok( status == STATUS_SUCCESS, "NtAlpcDisconnectPort(1) failed: %#lx\n", status );
    NtClose( port );
}

static void test_disconnect( BOOL process )
{
    context_attrs attrs;
    struct session s;
    NTSTATUS status;
    alpc_msg msg;

    if (!session_start( &s, "disconnect", process )) goto done;
    if (!session_accept( &s, NULL, NULL )) goto done;
    if (!expect_msg( s.port, &msg, &attrs, LPC_REQUEST )) goto done;
    check_data( &msg, "before" );
    reply_msg( s.port, ALPC_MSGFLG_RELEASE_MESSAGE, &msg, "ok" );
    if (!expect_closed( &s )) goto done;
    /* nothing the client tried after disconnecting came through */
    expect_no_msg( s.port, 100 );
    /* guess: the server's side of the connection is dead too */
    set_msg( &msg, "to nobody" );
    status = send_msg( s.comm, ALPC_MSGFLG_RELEASE_MESSAGE, &msg );
    ok( status == STATUS_PORT_DISCONNECTED, "datagram to a disconnected client: %#lx\n", status );
    NtClose( s.comm );
    s.comm = NULL;
    SetEvent( s.go );

    if (!session_accept( &s, NULL, NULL )) goto done;
    if (!expect_msg( s.port, &msg, &attrs, LPC_REQUEST )) goto done;
    check_data( &msg, "closing" );
    reply_msg( s.comm, ALPC_MSGFLG_RELEASE_MESSAGE, &msg, "ok" );
    if (!expect_closed( &s )) goto done;
    NtClose( s.comm );
    s.comm = NULL;

    /* disconnected without the flush: the datagram comes as it was sent */
    if (!session_accept( &s, NULL, NULL )) goto done;
    if (!expect_msg( s.port, &msg, &attrs, LPC_DATAGRAM )) goto done;
    check_data( &msg, "kept" );
    expect_closed( &s );
done:
    session_end( &s );
}

/* OV: what a client sent and then closed its port on is not delivered:
 * the server gets LPC_CANCELED for each message, then LPC_PORT_CLOSED */
static void client_send_close( const char *name )
{
    alpc_msg msg;
    NTSTATUS status;
    HANDLE port;

    if (!(port = client_connect( name, 0, NULL, NULL ))) return;
    sync_request( port, "first", "ok" );
    set_msg( &msg, "queued datagram" );
    status = send_msg( port, ALPC_MSGFLG_RELEASE_MESSAGE, &msg );
    ok( status == STATUS_SUCCESS, "datagram failed: %#lx\n", status );
    set_msg( &msg, "queued request" );
    status = send_msg( port, 0, &msg );
    ok( status == STATUS_SUCCESS, "asynchronous request failed: %#lx\n", status );
    status = NtClose( port );
    ok( status == STATUS_SUCCESS, "NtClose failed: %#lx\n", status );
}

/* what the gone client had queued arrives as LPC_CANCELED, count messages */
#define expect_canceled(s, c) expect_canceled_(__FILE__, __LINE__, s, c)
static BOOL expect_canceled_( const char *file, int line, struct session *s, int count )
{
    context_attrs attrs;
    alpc_msg msg, reply;
    NTSTATUS status;
    int i;

    for (i = 0; i < count; i++)
    {
        if (!expect_msg_( file, line, s->port, &msg, &attrs, LPC_CANCELED, wait_time() )) return FALSE;
        check_sender_( file, line, &msg.h, s->client.pid, s->client.tid );
        /* guess: a cancelled message is not one to reply to, as a withdrawn request */
        make_reply( &reply, &msg, "too late" );
        status = send_msg( s->port, ALPC_MSGFLG_RELEASE_MESSAGE, &reply );
        ok_(file, line)( status == STATUS_REPLY_MESSAGE_MISMATCH, "reply to a cancelled message: %#lx\n", status );
    }
    return TRUE;
}

static void test_send_close( BOOL process )
{
    context_attrs attrs;
    struct session s;
    alpc_msg msg;

    if (!session_start( &s, "send-close", process )) goto done;
    if (!session_accept( &s, NULL, NULL )) goto done;
    if (!expect_msg( s.port, &msg, &attrs, LPC_REQUEST )) goto done;
    check_data( &msg, "first" );
    reply_msg( s.port, ALPC_MSGFLG_RELEASE_MESSAGE, &msg, "ok" );
    /* the client's messages are all queued before it is gone */
    finish_client( &s.client );

    if (!expect_canceled( &s, 2 )) goto done;
    expect_closed( &s );
    expect_no_msg( s.port, 100 );
done:
    session_end( &s );
}

/* NtAlpcCancelMessage on both sides, and AlpcConnectedSIDInformation */
static void client_cancel( const char *name )
{
    char sid[SECURITY_MAX_SID_SIZE];
    ALPC_CONTEXT_ATTR context;
    LARGE_INTEGER timeout;
    alpc_msg msg, reply;
    NTSTATUS status;
    HANDLE port, sent;
    SIZE_T len;
    char event_name[MAX_PATH];

    sprintf( event_name, "%s-sent", leaf( name ));
    sent = OpenEventA( EVENT_MODIFY_STATE, FALSE, event_name );
    ok( sent != NULL, "OpenEvent(%s) failed: %lu\n", event_name, GetLastError() );
    if (!sent || !(port = client_connect( name, 0, NULL, NULL ))) return;

    /* guess: the id a sent message got is written back into its header,
     * which is how its sender names it to NtAlpcCancelMessage */
    memset( &context, 0, sizeof(context) );
    set_msg( &msg, "cancelled datagram" );
    status = send_msg( port, ALPC_MSGFLG_RELEASE_MESSAGE, &msg );
    ok( status == STATUS_SUCCESS, "datagram failed: %#lx\n", status );
    ok( msg.h.MessageId != 0, "no MessageId written back\n" );
    context.MessageId = msg.h.MessageId;
    status = pNtAlpcCancelMessage( port, 0, &context );
    ok( status == STATUS_SUCCESS, "NtAlpcCancelMessage(datagram) failed: %#lx\n", status );
    status = pNtAlpcCancelMessage( port, 0, &context );
    ok( status != STATUS_SUCCESS, "cancelling twice: %#lx\n", status );

    /* an async request, cancelled before the server took it (LA, OV) */
    set_msg( &msg, "cancelled request" );
    status = send_msg( port, 0, &msg );
    ok( status == STATUS_SUCCESS, "request failed: %#lx\n", status );
    context.MessageId = msg.h.MessageId;
    status = pNtAlpcCancelMessage( port, 0, &context );
    ok( status == STATUS_SUCCESS, "NtAlpcCancelMessage(request) failed: %#lx\n", status );

    /* NT: class 3 checks the SID the peer runs as */
    if (get_token_user( sid, sizeof(sid) ))
    {
        status = pNtAlpcQueryInformation( port, AlpcConnectedSIDInformation,
                                          ((TOKEN_USER *)sid)->User.Sid, SECURITY_MAX_SID_SIZE, NULL );
        ok( status == STATUS_SUCCESS, "AlpcConnectedSIDInformation(own user) failed: %#lx\n", status );
    }
    status = pNtAlpcQueryInformation( port, AlpcConnectedSIDInformation, &local_system, sizeof(local_system), NULL );
    ok( status == STATUS_SERVER_SID_MISMATCH, "AlpcConnectedSIDInformation(LocalSystem): %#lx\n", status );
    SetEvent( sent );
    CloseHandle( sent );

    /* a request the server drops without a reply ends without one (guess: with a failure) */
    set_msg( &msg, "dropped" );
    len = sizeof(reply);
    status = pNtAlpcSendWaitReceivePort( port, ALPC_MSGFLG_SYNC_REQUEST, &msg.h, NULL, &reply.h, &len, NULL,
                                         relative_timeout( &timeout, CLIENT_WAIT ));
    ok( status != STATUS_SUCCESS && status != STATUS_TIMEOUT, "dropped request: %#lx\n", status );

    /* a synchronous request whose reply does not come in time is withdrawn (guess) */
    set_msg( &msg, "slow" );
    len = sizeof(reply);
    status = pNtAlpcSendWaitReceivePort( port, ALPC_MSGFLG_SYNC_REQUEST, &msg.h, NULL, &reply.h, &len, NULL,
                                         relative_timeout( &timeout, 300 ));
    ok( status == STATUS_TIMEOUT, "request without a timely reply: %#lx\n", status );
    sent = OpenEventA( EVENT_MODIFY_STATE, FALSE, event_name );
    if (sent)
    {
        SetEvent( sent );
        CloseHandle( sent );
    }

    /* and its late reply is not mistaken for the next one's */
    sync_request( port, "after", "ok" );
    status = NtClose( port );
    ok( status == STATUS_SUCCESS, "NtClose failed: %#lx\n", status );
}

static void test_cancel( BOOL process )
{
    ALPC_CONTEXT_ATTR context;
    context_attrs attrs;
    struct session s;
    NTSTATUS status;
    alpc_msg msg, reply;
    HANDLE sent = NULL;
    DWORD ret;

    if (!session_init( &s, bno_dir, "cancel" )) goto done;
    if (!(sent = create_event( s.name, "sent" ))) goto done;
    if (!start_client( &s.client, process, "cancel", s.name )) goto done;
    if (!session_accept( &s, NULL, NULL )) goto done;

    /* nothing the client cancelled arrives */
    ret = WaitForSingleObject( sent, wait_time() );
    ok( ret == WAIT_OBJECT_0, "the client did not send\n" );
    if (ret) goto done;
    ResetEvent( sent );  /* set again once the client gave up on "slow" */
    if (!expect_msg( s.port, &msg, &attrs, LPC_REQUEST )) goto done;
    check_data( &msg, "dropped" );

    /* the receiver drops a request it will not answer (LA) */
    memset( &context, 0, sizeof(context) );
    context.MessageId = msg.h.MessageId;
    status = pNtAlpcCancelMessage( s.port, 0, &context );
    ok( status == STATUS_SUCCESS, "NtAlpcCancelMessage(received request) failed: %#lx\n", status );
    make_reply( &reply, &msg, "too late" );
    status = send_msg( s.port, ALPC_MSGFLG_RELEASE_MESSAGE, &reply );
    ok( status == STATUS_REPLY_MESSAGE_MISMATCH, "reply to a dropped request: %#lx\n", status );

    /* the client gives up on this one before it is answered */
    if (!expect_msg( s.port, &msg, &attrs, LPC_REQUEST )) goto done;
    check_data( &msg, "slow" );
    ret = WaitForSingleObject( sent, wait_time() );
    ok( ret == WAIT_OBJECT_0, "the client did not time out\n" );
    make_reply( &reply, &msg, "late" );
    status = send_msg( s.port, ALPC_MSGFLG_RELEASE_MESSAGE, &reply );
    ok( status == STATUS_REPLY_MESSAGE_MISMATCH, "reply to a withdrawn request: %#lx\n", status );

    if (!expect_msg( s.port, &msg, &attrs, LPC_REQUEST )) goto done;
    check_data( &msg, "after" );
    reply_msg( s.port, ALPC_MSGFLG_RELEASE_MESSAGE, &msg, "ok" );
    expect_closed( &s );
done:
    if (sent) CloseHandle( sent );
    session_end( &s );
}

/* cancelling an asynchronous request the server has already received */
static void client_cancel_pending( const char *name )
{
    ALPC_CONTEXT_ATTR context;
    LARGE_INTEGER timeout;
    HANDLE port, received, cancelled;
    alpc_msg msg, reply;
    NTSTATUS status;
    SIZE_T len;
    char event_name[MAX_PATH];

    sprintf( event_name, "%s-received", leaf( name ));
    received = OpenEventA( SYNCHRONIZE, FALSE, event_name );
    sprintf( event_name, "%s-cancelled", leaf( name ));
    cancelled = OpenEventA( EVENT_MODIFY_STATE, FALSE, event_name );
    ok( received && cancelled, "OpenEvent failed: %lu\n", GetLastError() );
    if (!received || !cancelled || !(port = client_connect( name, 0, NULL, NULL ))) return;

    set_msg( &msg, "pending" );
    status = send_msg( port, 0, &msg );
    ok( status == STATUS_SUCCESS, "request failed: %#lx\n", status );
    memset( &context, 0, sizeof(context) );
    context.MessageId = msg.h.MessageId;

    /* guess: flags other than TRY_CANCEL and NO_CONTEXT_CHECK (phnt) are refused */
    status = pNtAlpcCancelMessage( port, 0x2, &context );
    ok( status == STATUS_INVALID_PARAMETER, "unknown cancel flag: %#lx\n", status );
    status = pNtAlpcCancelMessage( port, 0x80000000, &context );
    ok( status == STATUS_INVALID_PARAMETER, "unknown cancel flag: %#lx\n", status );

    ok( !WaitForSingleObject( received, CLIENT_WAIT ), "the server did not receive the request\n" );
    /* guess: the context must match unless NO_CONTEXT_CHECK (a CallbackId it does not have) */
    context.CallbackId = 0x1234;
    status = pNtAlpcCancelMessage( port, ALPC_CANCELFLG_TRY_CANCEL, &context );
    ok( status == STATUS_NOT_FOUND, "cancel with another CallbackId: %#lx\n", status );
    /* a pending request is its sender's to withdraw (LA) */
    status = pNtAlpcCancelMessage( port, ALPC_CANCELFLG_TRY_CANCEL | ALPC_CANCELFLG_NO_CONTEXT_CHECK, &context );
    ok( status == STATUS_SUCCESS, "NtAlpcCancelMessage(received request) failed: %#lx\n", status );
    context.CallbackId = 0;
    status = pNtAlpcCancelMessage( port, 0, &context );
    ok( status == STATUS_NOT_FOUND, "cancelling twice: %#lx\n", status );
    SetEvent( cancelled );

    /* its reply never arrives; the next request's does */
    len = sizeof(reply);
    status = pNtAlpcSendWaitReceivePort( port, 0, NULL, NULL, &reply.h, &len, NULL, relative_timeout( &timeout, 200 ));
    ok( status == STATUS_TIMEOUT, "receive after the cancel: %#lx\n", status );
    sync_request( port, "after", "ok" );
    NtClose( port );
    CloseHandle( received );
    CloseHandle( cancelled );
}

static void test_cancel_pending( BOOL process )
{
    context_attrs attrs;
    struct session s;
    NTSTATUS status;
    alpc_msg msg, reply;
    HANDLE received = NULL, cancelled = NULL;

    if (!session_init( &s, bno_dir, "cancel-pending" )) goto done;
    if (!(received = create_event( s.name, "received" ))) goto done;
    if (!(cancelled = create_event( s.name, "cancelled" ))) goto done;
    if (!start_client( &s.client, process, "cancel-pending", s.name )) goto done;
    if (!session_accept( &s, NULL, NULL )) goto done;

    if (!expect_msg( s.port, &msg, &attrs, LPC_REQUEST )) goto done;
    check_data( &msg, "pending" );
    SetEvent( received );
    ok( !WaitForSingleObject( cancelled, wait_time() ), "the client did not cancel\n" );
    /* guess: the sender withdrew it, so there is nothing to answer */
    make_reply( &reply, &msg, "late" );
    status = send_msg( s.port, ALPC_MSGFLG_RELEASE_MESSAGE, &reply );
    ok( status == STATUS_REPLY_MESSAGE_MISMATCH, "reply to a cancelled request: %#lx\n", status );

    if (!expect_msg( s.port, &msg, &attrs, LPC_REQUEST )) goto done;
    check_data( &msg, "after" );
    reply_msg( s.port, ALPC_MSGFLG_RELEASE_MESSAGE, &msg, "ok" );
    expect_closed( &s );
done:
    if (received) CloseHandle( received );
    if (cancelled) CloseHandle( cancelled );
    session_end( &s );
}

/* a client process that is killed, idle or while it waits for a reply */
static void client_killed( const char *name, BOOL pending )
{
    LARGE_INTEGER timeout;
    alpc_msg msg, reply;
    NTSTATUS status;
    HANDLE port;
    SIZE_T len = sizeof(reply);

    if (!(port = client_connect( name, 0, NULL, NULL ))) return;
    sync_request( port, "alive", "ok" );
    if (pending)
    {
        set_msg( &msg, "pending" );
        status = pNtAlpcSendWaitReceivePort( port, ALPC_MSGFLG_SYNC_REQUEST, &msg.h, NULL, &reply.h, &len, NULL,
                                             relative_timeout( &timeout, 20000 ));
        ok( 0, "synchronous request returned %#lx\n", status );
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

static void test_client_killed( BOOL pending )
{
    context_attrs attrs;
    struct session s;
    alpc_msg msg, reply;
    NTSTATUS status;
    DWORD ret;

    if (!session_start( &s, pending ? "killed-pending" : "killed", TRUE )) goto done;
    if (!session_accept( &s, NULL, NULL )) goto done;
    if (!expect_msg( s.port, &msg, &attrs, LPC_REQUEST )) goto done;
    check_data( &msg, "alive" );
    reply_msg( s.comm, ALPC_MSGFLG_RELEASE_MESSAGE, &msg, "ok" );
    if (pending)
    {
        if (!expect_msg( s.port, &msg, &attrs, LPC_REQUEST )) goto done;
        check_data( &msg, "pending" );
    }

    ok( TerminateProcess( s.client.handle, 0x77 ), "TerminateProcess failed: %lu\n", GetLastError() );
    ret = WaitForSingleObject( s.client.handle, wait_time() );
    ok( ret == WAIT_OBJECT_0, "killed client did not end\n" );
    close_handle( &s.client.handle );

    if (pending)
    {
        /* guess: the request died with its sender */
        make_reply( &reply, &msg, "too late" );
        status = send_msg( s.comm, ALPC_MSGFLG_REPLY_MESSAGE | ALPC_MSGFLG_RELEASE_MESSAGE, &reply );
        ok( status == STATUS_REPLY_MESSAGE_MISMATCH || status == STATUS_PORT_DISCONNECTED,
            "reply to a dead client: %#lx\n", status );
    }

    expect_gone( &s );
done:
    session_end( &s );
}

/* a client process killed with a datagram and an asynchronous request
 * still queued at the server */
static void client_killed_queued( const char *name )
{
    char event_name[MAX_PATH];
    NTSTATUS status;
    HANDLE port, sent;
    alpc_msg msg;

    sprintf( event_name, "%s-sent", leaf( name ));
    sent = OpenEventA( EVENT_MODIFY_STATE, FALSE, event_name );
    ok( sent != NULL, "OpenEvent(%s) failed: %lu\n", event_name, GetLastError() );
    if (!sent || !(port = client_connect( name, 0, NULL, NULL ))) return;
    sync_request( port, "alive", "ok" );
    set_msg( &msg, "queued datagram" );
    status = send_msg( port, ALPC_MSGFLG_RELEASE_MESSAGE, &msg );
    ok( status == STATUS_SUCCESS, "datagram failed: %#lx\n", status );
    set_msg( &msg, "queued request" );
    status = send_msg( port, 0, &msg );
    ok( status == STATUS_SUCCESS, "asynchronous request failed: %#lx\n", status );
    SetEvent( sent );
    Sleep( 20000 );
    ok( 0, "client was not killed\n" );
}

/* as a closed port's (OV), a dead client's queued messages are cancelled */
static void test_client_killed_queued(void)
{
    context_attrs attrs;
    struct session s;
    HANDLE sent = NULL;
    alpc_msg msg;
    DWORD ret;

    if (!session_init( &s, bno_dir, "killed-queued" )) goto done;
    if (!(sent = create_event( s.name, "sent" ))) goto done;
    if (!start_client( &s.client, TRUE, "killed-queued", s.name )) goto done;
    if (!session_accept( &s, NULL, NULL )) goto done;
    if (!expect_msg( s.port, &msg, &attrs, LPC_REQUEST )) goto done;
    check_data( &msg, "alive" );
    reply_msg( s.comm, ALPC_MSGFLG_REPLY_MESSAGE | ALPC_MSGFLG_RELEASE_MESSAGE, &msg, "ok" );
    ret = WaitForSingleObject( sent, wait_time() );
    ok( ret == WAIT_OBJECT_0, "the client did not send\n" );
    if (ret) note_timeout();
    kill_client( &s.client );
    if (ret) goto done;

    if (!expect_canceled( &s, 2 )) goto done;
    expect_gone( &s );
    expect_no_msg( s.port, 100 );
done:
    if (sent) CloseHandle( sent );
    session_end( &s );
}

/* a client process killed while its connection request waits for the
 * server: in a synchronous NtAlpcConnectPort, or after an asynchronous one,
 * waiting for LPC_CONNECTION_REPLY */
static void client_killed_connecting( const char *name, BOOL async )
{
    ALPC_PORT_ATTRIBUTES attrs;
    LARGE_INTEGER timeout;
    UNICODE_STRING str;
    WCHAR buffer[MAX_PATH];
    char event_name[MAX_PATH];
    HANDLE port = NULL, connecting;
    NTSTATUS status;
    alpc_msg msg;
    SIZE_T len = sizeof(msg);

    sprintf( event_name, "%s-connecting", leaf( name ));
    connecting = OpenEventA( EVENT_MODIFY_STATE, FALSE, event_name );
    ok( connecting != NULL, "OpenEvent(%s) failed: %lu\n", event_name, GetLastError() );
    if (!connecting) return;
    set_msg( &msg, "dying-hello" );
    if (!async)
    {
        /* the server cannot tell when the request is queued: it gives it a moment */
        SetEvent( connecting );
        status = try_connect( name, NULL, &msg, 20000, &port );
        ok( 0, "NtAlpcConnectPort returned %#lx\n", status );
        return;
    }
    init_unicode( &str, buffer, name );
    init_port_attrs( &attrs, 0, MAX_MESSAGE_LENGTH );
    status = pNtAlpcConnectPort( &port, &str, NULL, &attrs, 0, NULL, &msg.h, &len, NULL, NULL,
                                 relative_timeout( &timeout, CLIENT_WAIT ));
    ok( status == STATUS_SUCCESS, "asynchronous NtAlpcConnectPort failed: %#lx\n", status );
    if (status) return;
    SetEvent( connecting );
    status = receive_msg( port, &msg, NULL, 20000 );
    ok( 0, "receive returned %#lx\n", status );
}

static void client_killed_connecting_sync( const char *name )
{
    client_killed_connecting( name, FALSE );
}

static void client_killed_connecting_async( const char *name )
{
    client_killed_connecting( name, TRUE );
}

static void test_client_killed_connecting( BOOL async )
{
    const char *scenario = async ? "killed-connecting-async" : "killed-connecting";
    HANDLE connecting = NULL;
    context_attrs attrs;
    struct session s;
    NTSTATUS status;
    alpc_msg msg;
    DWORD ret;

    if (!session_init( &s, bno_dir, scenario )) goto done;
    if (!(connecting = create_event( s.name, "connecting" ))) goto done;

    /* killed once the server has the request: accepting it fails and gives
     * no port (guess; ours finds no such request) */
    if (!start_client( &s.client, TRUE, scenario, s.name )) goto done;
    if (!expect_msg_( __FILE__, __LINE__, s.port, &msg, &attrs, LPC_CONNECTION_REQUEST, 2 * wait_time() ))
        goto done;
    check_sender( &msg.h, s.client.pid, s.client.tid );
    check_data( &msg, "dying-hello" );
    kill_client( &s.client );
    status = pNtAlpcAcceptConnectPort( &s.comm, s.port, 0, NULL, NULL, s.context, &msg.h, NULL, TRUE );
    ok( status == STATUS_REPLY_MESSAGE_MISMATCH || status == STATUS_PORT_DISCONNECTED,
        "accepting a dead client: %#lx\n", status );
    if (status) s.comm = NULL;
    /* guess: a connection that never was is not reported closed */
    expect_no_msg( s.port, 100 );

    /* killed before the server took it: the request is withdrawn (guess) */
    ResetEvent( connecting );
    if (!start_client( &s.client, TRUE, scenario, s.name )) goto done;
    ret = WaitForSingleObject( connecting, 2 * wait_time() );
    ok( ret == WAIT_OBJECT_0, "the client did not connect\n" );
    if (ret) note_timeout();
    if (!ret && !async) Sleep( 100 );
    kill_client( &s.client );
    if (ret) goto done;
    expect_no_msg( s.port, 100 );

    /* and the port serves the next client */
    session_ping( &s, TRUE );
done:
    if (connecting) CloseHandle( connecting );
    session_end( &s );
}

/* the server goes away while the client waits for a reply */
static void client_server_gone( const char *name )
{
    LARGE_INTEGER timeout;
    alpc_msg msg, reply;
    NTSTATUS status;
    HANDLE port;
    SIZE_T len;

    if (!(port = client_connect( name, 0, NULL, NULL ))) return;
    set_msg( &msg, "blocked" );
    len = sizeof(reply);
    status = pNtAlpcSendWaitReceivePort( port, ALPC_MSGFLG_SYNC_REQUEST, &msg.h, NULL, &reply.h, &len, NULL,
                                         relative_timeout( &timeout, CLIENT_WAIT ));
    /* the issue's rule; the reference lists the status as unknown */
    ok( status == STATUS_PORT_DISCONNECTED, "synchronous request: %#lx\n", status );

    /* and everything after it */
    set_msg( &msg, "after" );
    status = send_msg( port, ALPC_MSGFLG_RELEASE_MESSAGE, &msg );
    ok( status == STATUS_PORT_DISCONNECTED, "datagram: %#lx\n", status );
    len = sizeof(reply);
    status = pNtAlpcSendWaitReceivePort( port, ALPC_MSGFLG_SYNC_REQUEST, &msg.h, NULL, &reply.h, &len, NULL,
                                         relative_timeout( &timeout, CLIENT_WAIT ));
    ok( status == STATUS_PORT_DISCONNECTED, "synchronous request: %#lx\n", status );
    status = NtClose( port );
    ok( status == STATUS_SUCCESS, "NtClose failed: %#lx\n", status );
}

/* the server closes its communication port, or its connection port */
static void test_server_closed( BOOL process, BOOL connection_port )
{
    context_attrs attrs;
    struct session s;
    alpc_msg msg;

    if (!session_start( &s, "server-gone", process )) goto done;
    if (!session_accept( &s, NULL, NULL )) goto done;
    if (!expect_msg( s.port, &msg, &attrs, LPC_REQUEST )) goto done;
    check_data( &msg, "blocked" );
    if (connection_port)
    {
        ok( NtClose( s.port ) == STATUS_SUCCESS, "NtClose failed\n" );
        s.port = NULL;
    }
    else
    {
        ok( NtClose( s.comm ) == STATUS_SUCCESS, "NtClose failed\n" );
        s.comm = NULL;
    }
    /* the client must return now, not when its timeout runs out */
    if (WaitForSingleObject( s.client.handle, wait_time() ) == WAIT_TIMEOUT)
        ok( 0, "the client still waits for its reply\n" );
done:
    session_end( &s );
}

/* the server dies while the client is connected and idle */
static void client_server_killed_idle( const char *name )
{
    char event_name[MAX_PATH];
    NTSTATUS status;
    HANDLE port, dead;
    alpc_msg msg;
    DWORD ret;

    sprintf( event_name, "%s-dead", leaf( name ));
    dead = OpenEventA( SYNCHRONIZE, FALSE, event_name );
    ok( dead != NULL, "OpenEvent(%s) failed: %lu\n", event_name, GetLastError() );
    if (!dead || !(port = client_connect( name, 0, NULL, NULL ))) return;
    sync_request( port, "alive", "ok" );
    ret = WaitForSingleObject( dead, CLIENT_WAIT );
    ok( ret == WAIT_OBJECT_0, "the server was not killed\n" );
    CloseHandle( dead );

    set_msg( &msg, "datagram" );
    status = send_msg( port, ALPC_MSGFLG_RELEASE_MESSAGE, &msg );
    ok( status == STATUS_PORT_DISCONNECTED, "datagram: %#lx\n", status );
    set_msg( &msg, "asynchronous request" );
    status = send_msg( port, 0, &msg );
    ok( status == STATUS_PORT_DISCONNECTED, "asynchronous request: %#lx\n", status );
    /* guess: a receive says so at once, by its status or by a notice */
    status = receive_msg( port, &msg, NULL, CLIENT_WAIT );
    ok( status == STATUS_PORT_DISCONNECTED || (!status && MSG_TYPE( &msg ) == LPC_PORT_CLOSED),
        "receive: %#lx, type %#x\n", status, status ? 0 : msg.h.u2.s2.Type );
    status = NtClose( port );
    ok( status == STATUS_SUCCESS, "NtClose failed: %#lx\n", status );
}

/* the server dies before it accepts an asynchronous connect, then a synchronous one */
static void client_server_killed_connecting( const char *name )
{
    ALPC_PORT_ATTRIBUTES attrs;
    LARGE_INTEGER timeout;
    UNICODE_STRING str;
    WCHAR buffer[MAX_PATH];
    HANDLE async_port = NULL, port;
    NTSTATUS status;
    alpc_msg msg;
    SIZE_T len = sizeof(msg);

    init_unicode( &str, buffer, name );
    init_port_attrs( &attrs, 0, MAX_MESSAGE_LENGTH );
    set_msg( &msg, "async-hello" );
    status = pNtAlpcConnectPort( &async_port, &str, NULL, &attrs, 0, NULL, &msg.h, &len, NULL, NULL,
                                 relative_timeout( &timeout, CLIENT_WAIT ));
    ok( status == STATUS_SUCCESS, "asynchronous NtAlpcConnectPort failed: %#lx\n", status );

    /* guess: as if refused; a timeout would mean it waited for a dead server */
    set_msg( &msg, "sync-hello" );
    status = try_connect( name, NULL, &msg, CLIENT_WAIT, &port );
    if (status == STATUS_TIMEOUT) note_timeout();
    ok( status == STATUS_PORT_CONNECTION_REFUSED || status == STATUS_PORT_DISCONNECTED,
        "NtAlpcConnectPort: %#lx\n", status );
    if (NT_SUCCESS( status ) && port) NtClose( port );

    /* guess: the asynchronous one gets no LPC_CONNECTION_REPLY, its receive
     * fails as a refused one's does (OV) */
    if (async_port)
    {
        status = receive_msg( async_port, &msg, NULL, CLIENT_WAIT );
        ok( status == STATUS_PORT_CONNECTION_REFUSED || status == STATUS_PORT_DISCONNECTED,
            "receive on the asynchronous port: %#lx, type %#x\n", status, status ? 0 : msg.h.u2.s2.Type );
        status = NtClose( async_port );
        ok( status == STATUS_SUCCESS, "NtClose failed: %#lx\n", status );
    }

    /* the port's name went with its server */
    status = try_connect( name, NULL, NULL, CLIENT_WAIT, &port );
    ok( status == STATUS_OBJECT_NAME_NOT_FOUND, "NtAlpcConnectPort after the server died: %#lx\n", status );
    if (NT_SUCCESS( status ) && port) NtClose( port );
}

/* A server in a child process, to be killed once it sets "got": after
 * taking two connection requests without accepting them ("no-accept"),
 * after accepting one and taking a request it does not answer ("pending")
 * or answers ("idle"). */
static void run_server( const char *scenario, const char *name )
{
    BOOL accept = strcmp( scenario, "no-accept" );
    context_attrs attrs;
    HANDLE port, comm = NULL, ready, got;
    NTSTATUS status;
    alpc_msg msg;
    char event_name[MAX_PATH];
    int i;

    sprintf( event_name, "%s-ready", leaf( name ));
    ready = OpenEventA( EVENT_MODIFY_STATE, FALSE, event_name );
    sprintf( event_name, "%s-got", leaf( name ));
    got = OpenEventA( EVENT_MODIFY_STATE, FALSE, event_name );
    ok( ready && got, "events not found\n" );
    if (!(port = create_port( name, MAX_MESSAGE_LENGTH ))) return;
    SetEvent( ready );

    for (i = 0; i < (accept ? 1 : 2); i++)
    {
        status = receive_msg( port, &msg, &attrs, 10000 );
        ok( !status && MSG_TYPE( &msg ) == LPC_CONNECTION_REQUEST, "%#lx, type %#x\n", status,
            status ? 0 : msg.h.u2.s2.Type );
        if (status) return;
    }
    if (accept)
    {
        status = pNtAlpcAcceptConnectPort( &comm, port, 0, NULL, NULL, NULL, &msg.h, NULL, TRUE );
        ok( status == STATUS_SUCCESS, "NtAlpcAcceptConnectPort failed: %#lx\n", status );
        status = receive_msg( port, &msg, &attrs, 10000 );
        ok( !status && MSG_TYPE( &msg ) == LPC_REQUEST, "%#lx, type %#x\n", status,
            status ? 0 : msg.h.u2.s2.Type );
        if (status) return;
        if (!strcmp( scenario, "idle" ))
            reply_msg( comm, ALPC_MSGFLG_REPLY_MESSAGE | ALPC_MSGFLG_RELEASE_MESSAGE, &msg, "ok" );
    }
    SetEvent( got );
    Sleep( 20000 );
    ok( 0, "server was not killed\n" );
}

/* the server process is killed at the point its scenario reaches; the
 * client thread learns it at once, not when its timeout runs out */
static void test_server_killed( const char *scenario, const char *client_scenario )
{
    PROCESS_INFORMATION pi;
    struct client client;
    char name[MAX_PATH];
    HANDLE ready, got, dead, handles[2];
    DWORD ret;

    make_name( name, bno_dir, client_scenario );
    ready = create_event( name, "ready" );
    got = create_event( name, "got" );
    dead = create_event( name, "dead" );
    if (!start_child( "server", scenario, name, FALSE, &pi )) goto done;
    CloseHandle( pi.hThread );
    handles[0] = ready;
    handles[1] = pi.hProcess;
    ret = WaitForMultipleObjects( 2, handles, FALSE, 2 * wait_time() );
    ok( ret == WAIT_OBJECT_0, "server did not start: %#lx\n", ret );
    if (ret == WAIT_OBJECT_0 && start_client( &client, FALSE, client_scenario, name ))
    {
        handles[0] = got;
        ret = WaitForMultipleObjects( 2, handles, FALSE, 2 * wait_time() );
        ok( ret == WAIT_OBJECT_0, "server did not get the request: %#lx\n", ret );
        if (ret == WAIT_TIMEOUT) note_timeout();
        TerminateProcess( pi.hProcess, 0x77 );
        ok( !WaitForSingleObject( pi.hProcess, wait_time() ), "server did not die\n" );
        SetEvent( dead );
        if (WaitForSingleObject( client.handle, wait_time() ) == WAIT_TIMEOUT)
            ok( 0, "the client still waits\n" );
        finish_client( &client );
    }
    TerminateProcess( pi.hProcess, 0x77 );
    CloseHandle( pi.hProcess );
done:
    CloseHandle( ready );
    CloseHandle( got );
    CloseHandle( dead );
}


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

    /* an attribute buffer with bits that are no attribute's */
    init_context_attrs( &attrs );
    attrs.header.AllocatedAttributes |= 0x00000001;
    len = sizeof(reply);
    status = pNtAlpcSendWaitReceivePort( port, 0, NULL, NULL, &reply.h, &len, &attrs.header,
                                         relative_timeout( &timeout, 0 ));
    ok( status == STATUS_INVALID_PARAMETER, "receive attributes %#lx: %#lx\n", attrs.header.AllocatedAttributes,
        status );

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

/* after all of the above, a plain connection still works */
static void client_ping( const char *name )
{
    HANDLE port;

    if (!(port = client_connect( name, 0, "ping-hello", "pong-welcome" ))) return;
    sync_request( port, "ping", "pong" );
    ok( NtClose( port ) == STATUS_SUCCESS, "NtClose failed\n" );
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
    { "connect", client_connect_script },
    { "basic", client_basic },
    { "zeroed", client_zeroed },
    { "lengths", client_lengths },
    { "impersonate", client_impersonate },
    { "disconnect", client_disconnect },
    { "cancel", client_cancel },
    { "cancel-pending", client_cancel_pending },
    { "send-close", client_send_close },
    { "killed", client_killed_idle },
    { "killed-pending", client_killed_pending },
    { "killed-queued", client_killed_queued },
    { "killed-connecting", client_killed_connecting_sync },
    { "killed-connecting-async", client_killed_connecting_async },
    { "server-gone", client_server_gone },
    { "server-killed-idle", client_server_killed_idle },
    { "server-killed-connecting", client_server_killed_connecting },
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

START_TEST(alpc)
{
    int argc = winetest_get_mainargs( &test_argv ), process;

    if (!init_functions()) return;
    bad_ptr = VirtualAlloc( NULL, 0x10000, MEM_RESERVE, PAGE_NOACCESS );
    ok( bad_ptr != NULL, "VirtualAlloc failed: %lu\n", GetLastError() );

    if (argc >= 5) start_watchdog( 60000 );
    if (argc >= 5 && !strcmp( test_argv[2], "client" ))
    {
        run_client( test_argv[3], test_argv[4] );
        return;
    }
    if (argc >= 5 && !strcmp( test_argv[2], "server" ))
    {
        run_server( test_argv[3], test_argv[4] );
        return;
    }

    /* the harness allows 180 s */
    start_watchdog( 150000 );

#define RUN(call) do { if (!too_many_timeouts()) call; } while (0)
    RUN( test_create_port() );
    RUN( test_windows_parameters() );
    RUN( test_connect_timeout() );
    RUN( test_close_while_receiving() );
    RUN( test_alertable() );
    RUN( test_port_security() );

    /* the client in a thread of this process, then in a child process */
    for (process = 0; process < 2; process++)
    {
        winetest_push_context( process ? "process" : "thread" );
        RUN( test_connect( process ) );
        RUN( test_messages( process ) );
        RUN( test_zeroed_answers( process ) );
        RUN( test_lengths( process ) );
        RUN( test_impersonation( process ) );
        RUN( test_disconnect( process ) );
        RUN( test_cancel( process ) );
        RUN( test_cancel_pending( process ) );
        RUN( test_send_close( process ) );
        RUN( test_shared_port( process ) );
        RUN( test_server_closed( process, FALSE ) );
        RUN( test_server_closed( process, TRUE ) );
        RUN( test_lpc_client( process ) );
        RUN( test_lpc_server( process ) );
        RUN( test_bad_input( process ) );
        RUN( test_still_works( process ) );
        winetest_pop_context();
    }
    /* killing makes sense for a process only */
    RUN( test_client_killed( FALSE ) );
    RUN( test_client_killed( TRUE ) );
    RUN( test_client_killed_queued() );
    RUN( test_client_killed_connecting( FALSE ) );
    RUN( test_client_killed_connecting( TRUE ) );
    RUN( test_server_killed( "no-accept", "server-killed-connecting" ));
    RUN( test_server_killed( "idle", "server-killed-idle" ));
    RUN( test_server_killed( "pending", "server-gone" ));
    RUN( test_concurrent() );
    RUN( test_suspend_waiting() );
    RUN( test_terminate_waiting() );
    RUN( test_remote_calls_while_waiting() );
    RUN( test_still_works( TRUE ) );
#undef RUN
}
