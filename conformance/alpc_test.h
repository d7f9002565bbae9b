/*
 * What the ALPC conformance programs alpc.c, alpc_close.c and alpc_interop.c
 * share: the functions they call, messages, attributes, client connects and
 * the server side of a session.  Include after port_test.h.
 *
 * Copyright 2026 the wine-lpc authors
 *
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

#ifndef __WINE_LPC_ALPC_TEST_H
#define __WINE_LPC_ALPC_TEST_H

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
static const SID local_system = { SID_REVISION, 1, { SECURITY_NT_AUTHORITY }, { SECURITY_LOCAL_SYSTEM_RID } };

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

static inline BOOL init_functions(void)
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
    bad_ptr = VirtualAlloc( NULL, 0x10000, MEM_RESERVE, PAGE_NOACCESS );
    ok( bad_ptr != NULL, "VirtualAlloc failed: %lu\n", GetLastError() );
    return ret;
}


/***********************************************************************
 * Names, events, messages, attributes
 */

/* the attributes of every port of this test; OV sets the section limits to SIZE_MAX */
static inline void init_port_attrs( ALPC_PORT_ATTRIBUTES *attrs, ULONG flags, SIZE_T max_len )
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
static inline void set_data( alpc_msg *msg, const char *text )
{
    SHORT len = strlen( text ) + 1;

    msg->h.u1.s1.DataLength = len;
    msg->h.u1.s1.TotalLength = HDR_SIZE + len;
    memcpy( msg->data, text, len );
}

/* a message carrying text, with a clean header */
static inline void set_msg( alpc_msg *msg, const char *text )
{
    memset( &msg->h, 0, sizeof(msg->h) );
    set_data( msg, text );
}

/* a message of this total length, filled with a pattern */
static inline void set_big_msg( alpc_msg *msg, SHORT total, unsigned char seed )
{
    SHORT i;

    memset( &msg->h, 0, sizeof(msg->h) );
    msg->h.u1.s1.DataLength = total - HDR_SIZE;
    msg->h.u1.s1.TotalLength = total;
    for (i = 0; i < total - HDR_SIZE; i++) msg->data[i] = (char)(seed + i * 7);
}

#define check_big_msg(m, t, s) check_big_msg_(__FILE__, __LINE__, m, t, s)
static inline void check_big_msg_( const char *file, int line, const alpc_msg *msg, SHORT total, unsigned char seed )
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
static inline void make_reply( alpc_msg *reply, const alpc_msg *request, const char *text )
{
    reply->h = request->h;
    reply->h.u2.ZeroInit = 0;
    set_data( reply, text );
}

#define check_data(msg, text) check_data_(__FILE__, __LINE__, msg, text)
static inline void check_data_( const char *file, int line, const alpc_msg *msg, const char *text )
{
    SHORT len = strlen( text ) + 1;

    ok_(file, line)( msg->h.u1.s1.DataLength == len && msg->h.u1.s1.TotalLength == HDR_SIZE + len &&
                     !memcmp( msg->data, text, len ), "lengths %d/%d, data %s, expected %s\n",
                     msg->h.u1.s1.DataLength, msg->h.u1.s1.TotalLength,
                     wine_dbgstr_an( msg->data, min( max( msg->h.u1.s1.DataLength, 0 ), 64 )), text );
}

/* a receive attribute buffer asking for the context attribute, built by ntdll */
static inline ALPC_MESSAGE_ATTRIBUTES *init_context_attrs( context_attrs *attrs )
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
static inline void check_context_( const char *file, int line, const context_attrs *attrs, const alpc_msg *msg,
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
static inline HANDLE create_port_( const char *file, int line, const char *name, SIZE_T max_len )
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
static inline NTSTATUS send_msg( HANDLE port, ULONG flags, alpc_msg *msg )
{
    return pNtAlpcSendWaitReceivePort( port, flags, &msg->h, NULL, NULL, NULL, NULL, NULL );
}

/* waits for the next message, with the context attribute when attrs is given */
static inline NTSTATUS receive_msg( HANDLE port, alpc_msg *msg, context_attrs *attrs, DWORD ms )
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
static inline BOOL expect_msg_( const char *file, int line, HANDLE port, alpc_msg *msg, context_attrs *attrs,
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
static inline void expect_no_msg_( const char *file, int line, HANDLE port, DWORD ms )
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
static inline NTSTATUS reply_msg_( const char *file, int line, HANDLE port, ULONG flags, const alpc_msg *request,
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
static inline NTSTATUS sync_request_( const char *file, int line, HANDLE port, const char *text, const char *expect )
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
static inline void check_open_sender_( const char *file, int line, HANDLE port, alpc_msg *msg )
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

static inline BOOL get_token_user( char *buffer, ULONG size )
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

/* NtAlpcConnectPort as a client script does, synchronous, with a timeout */
#define client_connect(n, f, i, r) client_connect_(__FILE__, __LINE__, n, f, i, r, NULL)
static inline HANDLE client_connect_( const char *file, int line, const char *name, ULONG flags, const char *info,
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


/* NtAlpcConnectPort whose status is all that counts */
static inline NTSTATUS try_connect( const char *name, PSID sid, alpc_msg *msg, DWORD ms, HANDLE *port )
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

/* the thread stops impersonating */
static inline void revert_to_self(void)
{
    HANDLE none = NULL;
    NTSTATUS status = NtSetInformationThread( GetCurrentThread(), ThreadImpersonationToken, &none, sizeof(none) );
    ok( status == STATUS_SUCCESS, "reverting failed: %#lx\n", status );
}

/* the client of session_ping: a plain connection still works */
static inline void client_ping( const char *name )
{
    HANDLE port;

    if (!(port = client_connect( name, 0, "ping-hello", "pong-welcome" ))) return;
    sync_request( port, "ping", "pong" );
    ok( NtClose( port ) == STATUS_SUCCESS, "NtClose failed\n" );
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

static inline BOOL session_init( struct session *s, const char *dir, const char *scenario )
{
    memset( s, 0, sizeof(*s) );
    make_name( s->name, dir, scenario );
    s->context = (void *)(ULONG_PTR)(0x5e550000 + name_counter);
    s->go = create_event( s->name, "go" );
    s->port = create_port( s->name, MAX_MESSAGE_LENGTH );
    return s->port != NULL;
}

static inline BOOL session_start( struct session *s, const char *scenario, BOOL process )
{
    if (!session_init( s, bno_dir, scenario )) return FALSE;
    return start_client( &s->client, process, scenario, s->name );
}

/* accepts a received connection request; the reply text, if any, replaces
 * its data and is what the client gets back (CS, TC) */
#define accept_msg(s, m, r) accept_msg_(__FILE__, __LINE__, s, m, r)
static inline BOOL accept_msg_( const char *file, int line, struct session *s, alpc_msg *msg, const char *reply )
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
static inline BOOL session_accept_( const char *file, int line, struct session *s, const char *info, const char *reply )
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
static inline BOOL expect_closed_( const char *file, int line, struct session *s )
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
static inline void expect_gone_( const char *file, int line, struct session *s )
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

static inline void session_end( struct session *s )
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
static inline void session_ping_( const char *file, int line, struct session *s, BOOL process )
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

#endif  /* __WINE_LPC_ALPC_TEST_H */
