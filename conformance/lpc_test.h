/*
 * What the legacy LPC conformance programs lpc.c and lpc_close.c share: the
 * functions they call, messages, blocking calls in threads, client connects
 * and the server side of a session.  Include after port_test.h.
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

#ifndef __WINE_LPC_LPC_TEST_H
#define __WINE_LPC_LPC_TEST_H

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

static void *bad_ptr;       /* reserved, never committed: every access faults */

static inline BOOL init_functions(void)
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
    bad_ptr = VirtualAlloc( NULL, 0x10000, MEM_RESERVE, PAGE_NOACCESS );
    ok( bad_ptr != NULL, "VirtualAlloc failed: %lu\n", GetLastError() );
    return ret;
}


/***********************************************************************
 * Names, messages, small helpers
 */

static inline void init_qos( SECURITY_QUALITY_OF_SERVICE *qos )
{
    qos->Length = sizeof(*qos);
    qos->ImpersonationLevel = SecurityImpersonation;
    qos->ContextTrackingMode = SECURITY_STATIC_TRACKING;
    qos->EffectiveOnly = TRUE;
}

/* the client's side of a create_event() event */
static inline HANDLE open_event( const char *port_name, const char *suffix )
{
    char name[MAX_PATH];

    sprintf( name, "%s-%s", leaf( port_name ), suffix );
    return OpenEventA( EVENT_MODIFY_STATE | SYNCHRONIZE, FALSE, name );
}

/* a message carrying text, with a clean header */
static inline void set_msg( lpc_msg *msg, const char *text )
{
    SHORT len = strlen( text ) + 1;

    memset( &msg->h, 0, sizeof(msg->h) );
    msg->h.u1.s1.DataLength = len;
    msg->h.u1.s1.TotalLength = HDR_SIZE + len;
    memcpy( msg->data, text, len );
}

/* a reply to a received message: its ids, new data */
static inline void make_reply( lpc_msg *reply, const lpc_msg *request, const char *text )
{
    SHORT len = strlen( text ) + 1;

    reply->h = request->h;
    reply->h.u1.s1.DataLength = len;
    reply->h.u1.s1.TotalLength = HDR_SIZE + len;
    memcpy( reply->data, text, len );
}

/* junk in every field the kernel fills */
static inline void forge_header( TEST_PORT_MESSAGE *h, SHORT type )
{
    h->u2.s2.Type = type;
    h->ClientId.UniqueProcess = FORGED_PROCESS;
    h->ClientId.UniqueThread = FORGED_THREAD;
    h->MessageId = FORGED_ID;
    h->CallbackId = FORGED_CALLBACK;
}

static inline size_t msg_size( const lpc_msg *msg )
{
    return HDR_SIZE + msg->h.u1.s1.DataLength;
}

#define check_data(msg, text) check_data_(__FILE__, __LINE__, msg, text)
static inline void check_data_( const char *file, int line, const lpc_msg *msg, const char *text )
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
static inline HANDLE create_port_( const char *file, int line, const char *name, BOOL waitable,
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
static inline NTSTATUS receive_msg( HANDLE port, void **context, lpc_msg *msg, DWORD ms )
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
static inline BOOL expect_msg_( const char *file, int line, HANDLE port, void **context, lpc_msg *msg, int type, DWORD ms )
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
static inline void expect_no_msg_( const char *file, int line, HANDLE port, DWORD ms )
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
static inline void drain( HANDLE port )
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

static inline DWORD WINAPI connect_proc( void *arg )
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

static inline HANDLE start_connect( struct connect_call *call, const char *name )
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

static inline DWORD WINAPI receive_proc( void *arg )
{
    struct receive_call *call = arg;
    TEST_PORT_MESSAGE *h = call->buffer ? &call->buffer->h : NULL;

    memset( &call->msg, 0xcc, sizeof(call->msg) );
    if (call->listen) call->status = pNtListenPort( call->port, h );
    else call->status = pNtReplyWaitReceivePort( call->port, &call->context, call->reply ? &call->reply->h : NULL, h );
    return 0;
}

/* NtListenPort, or NtReplyWaitReceivePort with an optional reply, into call->msg or NULL */
static inline HANDLE start_receive( struct receive_call *call, HANDLE port, BOOL listen, lpc_msg *reply, BOOL null_buffer )
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

static inline void close_pair( struct pair *p )
{
    if (p->client) NtClose( p->client );
    if (p->comm) NtClose( p->comm );
    if (p->server) NtClose( p->server );
    p->client = p->comm = p->server = NULL;
}

#define make_pair(p, t) make_pair_(__FILE__, __LINE__, p, t)
static inline BOOL make_pair_( const char *file, int line, struct pair *p, const char *tag )
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

/* connect as a client script does; tells the server through the "connected" event */
#define client_connect(n, i, r) client_connect_(__FILE__, __LINE__, n, i, r)
static inline HANDLE client_connect_( const char *file, int line, const char *name, const char *info,
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

static inline BOOL session_init( struct session *s, const char *scenario, BOOL waitable )
{
    memset( s, 0, sizeof(*s) );
    make_name( s->name, bno_dir, scenario );
    s->context = (void *)(ULONG_PTR)(0x5e550000 + name_counter);
    s->go = create_event( s->name, "go" );
    s->connected = create_event( s->name, "connected" );
    s->port = create_port( s->name, waitable, MAX_INFO_LENGTH, MAX_MESSAGE_LENGTH );
    return s->port != NULL;
}

static inline BOOL session_start( struct session *s, const char *scenario, BOOL process, BOOL waitable )
{
    if (!session_init( s, scenario, waitable )) return FALSE;
    return start_client( &s->client, process, scenario, s->name );
}

/* receives the client's connection request, checks it and accepts it */
#define session_accept(s, i, r) session_accept_(__FILE__, __LINE__, s, i, r)
static inline BOOL session_accept_( const char *file, int line, struct session *s, const char *info, const char *reply )
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

static inline void session_end( struct session *s )
{
    finish_client( &s->client );
    if (s->comm) NtClose( s->comm );
    if (s->port) NtClose( s->port );
    s->comm = s->port = NULL;
    close_handle( &s->go );
    close_handle( &s->connected );
}

/* each sender's call with inconsistent or excessive lengths fails before sending */
static inline void check_bad_lengths( HANDLE port )
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

#endif  /* __WINE_LPC_LPC_TEST_H */
