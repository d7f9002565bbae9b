/*
 * What the ALPC security programs alpc_sec.c (security contexts, the token
 * attribute, the sender's SID) and alpc_info.c (direct and work-on-behalf
 * attributes, information classes, NtAlpcConnectPortEx, reserves) share.
 * Include after port_test.h.
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

#ifndef __WINE_LPC_ALPC_SEC_TEST_H
#define __WINE_LPC_ALPC_SEC_TEST_H

/* the ports' MaxMessageLength, a total length, header included (OV, TC) */
#define MAX_MESSAGE_LENGTH 0x1000

typedef struct
{
    TEST_PORT_MESSAGE h;
    char data[MAX_MESSAGE_LENGTH];
} alpc_msg;

/* A receive attribute buffer with the context, token and work-on-behalf
 * attributes, in descending bit order (the reference, 7.3). */
typedef struct
{
    ALPC_MESSAGE_ATTRIBUTES header;
    ALPC_CONTEXT_ATTR context;
    ALPC_TOKEN_ATTR token;
    ALPC_WORK_ON_BEHALF_ATTR wob;
} recv_attrs;

#define RECV_ATTRIBUTES (ALPC_MESSAGE_CONTEXT_ATTRIBUTE | ALPC_MESSAGE_TOKEN_ATTRIBUTE | \
                         ALPC_MESSAGE_WORK_ON_BEHALF_ATTRIBUTE)

/* send attribute buffers with one block each */
typedef struct
{
    ALPC_MESSAGE_ATTRIBUTES header;
    ALPC_SECURITY_ATTR security;
} security_attrs;

typedef struct
{
    ALPC_MESSAGE_ATTRIBUTES header;
    ALPC_DIRECT_ATTR direct;
} direct_attrs;

typedef struct
{
    ALPC_MESSAGE_ATTRIBUTES header;
    ALPC_WORK_ON_BEHALF_ATTR wob;
} wob_attrs;

/* What a client says about itself: the ids of its thread's effective token
 * and its user SID, after a tag that names the message. */
struct report
{
    char  tag[32];
    LUID  token_id;
    LUID  auth_id;
    LUID  modified_id;
    DWORD sid_len;
    BYTE  sid[SECURITY_MAX_SID_SIZE];
};

/* two work-on-behalf tickets, any values */
#define WOB_THREAD   0x12345678
#define WOB_TIME     0x9abcdef0
#define WOB_THREAD2  0x0badf00d
#define WOB_TIME2    0x13572468

/* where local RPC's ports live (CS, the reference 8.2) */
static const char rpc_dir[] = "\\RPC Control";

/* the object directory rights, as Windows defines them */
#ifndef DIRECTORY_QUERY
#define DIRECTORY_QUERY    0x0001
#endif
#ifndef DIRECTORY_TRAVERSE
#define DIRECTORY_TRAVERSE 0x0002
#endif

static NTSTATUS (WINAPI *pNtAlpcCreatePort)(HANDLE *, OBJECT_ATTRIBUTES *, ALPC_PORT_ATTRIBUTES *);
static NTSTATUS (WINAPI *pNtAlpcConnectPort)(HANDLE *, UNICODE_STRING *, OBJECT_ATTRIBUTES *, ALPC_PORT_ATTRIBUTES *,
                                             ULONG, PSID, TEST_PORT_MESSAGE *, SIZE_T *, ALPC_MESSAGE_ATTRIBUTES *,
                                             ALPC_MESSAGE_ATTRIBUTES *, LARGE_INTEGER *);
static NTSTATUS (WINAPI *pNtAlpcConnectPortEx)(HANDLE *, OBJECT_ATTRIBUTES *, OBJECT_ATTRIBUTES *, ALPC_PORT_ATTRIBUTES *,
                                               ULONG, PSECURITY_DESCRIPTOR, TEST_PORT_MESSAGE *, SIZE_T *,
                                               ALPC_MESSAGE_ATTRIBUTES *, ALPC_MESSAGE_ATTRIBUTES *,
                                               LARGE_INTEGER *);
static NTSTATUS (WINAPI *pNtAlpcAcceptConnectPort)(HANDLE *, HANDLE, ULONG, OBJECT_ATTRIBUTES *,
                                                   ALPC_PORT_ATTRIBUTES *, void *, TEST_PORT_MESSAGE *,
                                                   ALPC_MESSAGE_ATTRIBUTES *, BOOLEAN);
static NTSTATUS (WINAPI *pNtAlpcSendWaitReceivePort)(HANDLE, ULONG, TEST_PORT_MESSAGE *, ALPC_MESSAGE_ATTRIBUTES *,
                                                     TEST_PORT_MESSAGE *, SIZE_T *, ALPC_MESSAGE_ATTRIBUTES *,
                                                     LARGE_INTEGER *);
static NTSTATUS (WINAPI *pNtAlpcQueryInformationMessage)(HANDLE, TEST_PORT_MESSAGE *, ALPC_MESSAGE_INFORMATION_CLASS,
                                                         void *, ULONG, ULONG *);
static NTSTATUS (WINAPI *pNtAlpcQueryInformation)(HANDLE, ALPC_PORT_INFORMATION_CLASS, void *, ULONG, ULONG *);
static NTSTATUS (WINAPI *pNtAlpcCreateResourceReserve)(HANDLE, ULONG, SIZE_T, ALPC_HANDLE *);
static NTSTATUS (WINAPI *pNtAlpcDeleteResourceReserve)(HANDLE, ULONG, ALPC_HANDLE);
static NTSTATUS (WINAPI *pNtAlpcCreateSecurityContext)(HANDLE, ULONG, ALPC_SECURITY_ATTR *);
static NTSTATUS (WINAPI *pNtAlpcDeleteSecurityContext)(HANDLE, ULONG, ALPC_HANDLE);
static NTSTATUS (WINAPI *pNtAlpcRevokeSecurityContext)(HANDLE, ULONG, ALPC_HANDLE);
static NTSTATUS (WINAPI *pNtAlpcImpersonateClientOfPort)(HANDLE, TEST_PORT_MESSAGE *, void *);
static NTSTATUS (WINAPI *pAlpcInitializeMessageAttribute)(ULONG, ALPC_MESSAGE_ATTRIBUTES *, SIZE_T, SIZE_T *);
static void *   (WINAPI *pAlpcGetMessageAttribute)(ALPC_MESSAGE_ATTRIBUTES *, ULONG);

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
    GET_PROC(NtAlpcConnectPortEx);
    GET_PROC(NtAlpcAcceptConnectPort);
    GET_PROC(NtAlpcSendWaitReceivePort);
    GET_PROC(NtAlpcQueryInformationMessage);
    GET_PROC(NtAlpcQueryInformation);
    GET_PROC(NtAlpcCreateResourceReserve);
    GET_PROC(NtAlpcDeleteResourceReserve);
    GET_PROC(NtAlpcCreateSecurityContext);
    GET_PROC(NtAlpcDeleteSecurityContext);
    GET_PROC(NtAlpcRevokeSecurityContext);
    GET_PROC(NtAlpcImpersonateClientOfPort);
    GET_PROC(AlpcInitializeMessageAttribute);
    GET_PROC(AlpcGetMessageAttribute);
#undef GET_PROC
    return ret;
}


/***********************************************************************
 * Bounds on every wait (see lpc.c)
 */

/* waits for an event of the handshake; a timeout counts */
#define wait_event(e, ms, w) wait_event_(__FILE__, __LINE__, e, ms, w)
static inline BOOL wait_event_( const char *file, int line, HANDLE event, DWORD ms, const char *what )
{
    DWORD ret = WaitForSingleObject( event, ms );

    if (ret == WAIT_TIMEOUT) note_timeout();
    ok_(file, line)( ret == WAIT_OBJECT_0, "waiting for %s: %#lx\n", what, ret );
    return ret == WAIT_OBJECT_0;
}


/***********************************************************************
 * Names, events, messages, attributes, tokens
 */

static inline void init_qos( SECURITY_QUALITY_OF_SERVICE *qos, SECURITY_IMPERSONATION_LEVEL level )
{
    qos->Length = sizeof(*qos);
    qos->ImpersonationLevel = level;
    qos->ContextTrackingMode = SECURITY_STATIC_TRACKING;
    qos->EffectiveOnly = FALSE;
}

/* the attributes of every port of this test; OV sets the section limits to SIZE_MAX */
static inline void init_port_attrs( ALPC_PORT_ATTRIBUTES *attrs, ULONG flags )
{
    memset( attrs, 0, sizeof(*attrs) );
    attrs->Flags = flags;
    init_qos( &attrs->SecurityQos, SecurityImpersonation );
    attrs->MaxMessageLength = MAX_MESSAGE_LENGTH;
    attrs->MaxPoolUsage = ~(SIZE_T)0;
    attrs->MaxSectionSize = ~(SIZE_T)0;
    attrs->MaxViewSize = ~(SIZE_T)0;
    attrs->MaxTotalSectionSize = ~(SIZE_T)0;
}

/* an auto-reset event for a handshake, named after a port (port_test.h's
 * create_event makes manual-reset ones) */
static inline HANDLE create_auto_event( const char *port_name, const char *suffix )
{
    char name[MAX_PATH];
    HANDLE event;

    sprintf( name, "%s-%s", leaf( port_name ), suffix );
    event = CreateEventA( NULL, FALSE, FALSE, name );
    ok( event != NULL, "CreateEvent(%s) failed: %lu\n", name, GetLastError() );
    return event;
}

/* the client's side of that event */
static inline HANDLE open_event( const char *port_name, const char *suffix )
{
    char name[MAX_PATH];
    HANDLE event;

    sprintf( name, "%s-%s", leaf( port_name ), suffix );
    event = OpenEventA( SYNCHRONIZE | EVENT_MODIFY_STATE, FALSE, name );
    ok( event != NULL, "OpenEvent(%s) failed: %lu\n", name, GetLastError() );
    return event;
}

/* text as the data of a message, header lengths included */
static inline void set_data( alpc_msg *msg, const void *data, SHORT len )
{
    msg->h.u1.s1.DataLength = len;
    msg->h.u1.s1.TotalLength = HDR_SIZE + len;
    memcpy( msg->data, data, len );
}

/* a message carrying text, with a clean header */
static inline void set_msg( alpc_msg *msg, const char *text )
{
    memset( &msg->h, 0, sizeof(msg->h) );
    set_data( msg, text, strlen( text ) + 1 );
}

/* a message carrying a report, with a clean header */
static inline void set_report_msg( alpc_msg *msg, const struct report *report )
{
    memset( &msg->h, 0, sizeof(msg->h) );
    set_data( msg, report, sizeof(*report) );
}

/* a reply to a received message: its ClientId, MessageId and CallbackId, new data */
static inline void make_reply( alpc_msg *reply, const alpc_msg *request, const char *text )
{
    reply->h = request->h;
    reply->h.u2.ZeroInit = 0;
    set_data( reply, text, strlen( text ) + 1 );
}

#define check_data(msg, text) check_data_(__FILE__, __LINE__, msg, text)
static inline BOOL check_data_( const char *file, int line, const alpc_msg *msg, const char *text )
{
    SHORT len = strlen( text ) + 1;
    BOOL ret = msg->h.u1.s1.DataLength == len && msg->h.u1.s1.TotalLength == HDR_SIZE + len &&
               !memcmp( msg->data, text, len );

    ok_(file, line)( ret, "lengths %d/%d, data %s, expected %s\n", msg->h.u1.s1.DataLength,
                     msg->h.u1.s1.TotalLength,
                     wine_dbgstr_an( msg->data, min( max( msg->h.u1.s1.DataLength, 0 ), 64 )), text );
    return ret;
}

/* a received report with this tag; NULL when it is none */
#define check_report(msg, tag) check_report_(__FILE__, __LINE__, msg, tag)
static const struct report *check_report_( const char *file, int line, const alpc_msg *msg, const char *tag )
{
    const struct report *report = (const struct report *)msg->data;
    BOOL ret = msg->h.u1.s1.DataLength == sizeof(*report) && !strcmp( report->tag, tag ) &&
               report->sid_len && report->sid_len <= sizeof(report->sid);

    ok_(file, line)( ret, "length %d, data %s, expected the report %s\n", msg->h.u1.s1.DataLength,
                     wine_dbgstr_an( msg->data, min( max( msg->h.u1.s1.DataLength, 0 ), 32 )), tag );
    return ret ? report : NULL;
}

/* The ids of the calling thread's effective token: its impersonation
 * token, or its process's primary token; and the token's user SID. */
#define get_report(r, t) get_report_(__FILE__, __LINE__, r, t)
static inline BOOL get_report_( const char *file, int line, struct report *report, const char *tag )
{
    TOKEN_STATISTICS stats;
    BYTE buffer[sizeof(TOKEN_USER) + SECURITY_MAX_SID_SIZE];
    TOKEN_USER *user = (TOKEN_USER *)buffer;
    HANDLE token;
    DWORD len;
    BOOL ret;

    memset( report, 0, sizeof(*report) );
    strcpy( report->tag, tag );
    if (!OpenThreadToken( GetCurrentThread(), TOKEN_QUERY, TRUE, &token ))
    {
        ok_(file, line)( GetLastError() == ERROR_NO_TOKEN, "OpenThreadToken failed: %lu\n", GetLastError() );
        ret = OpenProcessToken( GetCurrentProcess(), TOKEN_QUERY, &token );
        ok_(file, line)( ret, "OpenProcessToken failed: %lu\n", GetLastError() );
        if (!ret) return FALSE;
    }
    ret = GetTokenInformation( token, TokenStatistics, &stats, sizeof(stats), &len );
    ok_(file, line)( ret, "GetTokenInformation(TokenStatistics) failed: %lu\n", GetLastError() );
    if (ret)
    {
        report->token_id = stats.TokenId;
        report->auth_id = stats.AuthenticationId;
        report->modified_id = stats.ModifiedId;
        ret = GetTokenInformation( token, TokenUser, buffer, sizeof(buffer), &len );
        ok_(file, line)( ret, "GetTokenInformation(TokenUser) failed: %lu\n", GetLastError() );
    }
    if (ret)
    {
        report->sid_len = GetLengthSid( user->User.Sid );
        ok_(file, line)( report->sid_len <= sizeof(report->sid), "SID of %lu bytes\n", report->sid_len );
        ret = report->sid_len <= sizeof(report->sid);
        if (ret) memcpy( report->sid, user->User.Sid, report->sid_len );
    }
    CloseHandle( token );
    return ret;
}

#define luid_eq(a, b) ((a).LowPart == (b).LowPart && (a).HighPart == (b).HighPart)

/* A received token attribute (the reference, 9.5): the ids of the token
 * the sender's report gives. */
#define check_token(a, r) check_token_(__FILE__, __LINE__, a, r)
static inline void check_token_( const char *file, int line, const recv_attrs *attrs, const struct report *report )
{
    ok_(file, line)( attrs->header.ValidAttributes & ALPC_MESSAGE_TOKEN_ATTRIBUTE, "no token attribute, valid %#lx\n",
                     attrs->header.ValidAttributes );
    if (!(attrs->header.ValidAttributes & ALPC_MESSAGE_TOKEN_ATTRIBUTE) || !report) return;
    ok_(file, line)( luid_eq( attrs->token.TokenId, report->token_id ), "TokenId %08lx:%08lx, expected %08lx:%08lx\n",
                     attrs->token.TokenId.HighPart, attrs->token.TokenId.LowPart, report->token_id.HighPart,
                     report->token_id.LowPart );
    ok_(file, line)( luid_eq( attrs->token.ModifiedId, report->modified_id ),
                     "ModifiedId %08lx:%08lx, expected %08lx:%08lx\n", attrs->token.ModifiedId.HighPart,
                     attrs->token.ModifiedId.LowPart, report->modified_id.HighPart, report->modified_id.LowPart );
    ok_(file, line)( luid_eq( attrs->token.AuthenticationId, report->auth_id ),
                     "AuthenticationId %08lx:%08lx, expected %08lx:%08lx\n", attrs->token.AuthenticationId.HighPart,
                     attrs->token.AuthenticationId.LowPart, report->auth_id.HighPart, report->auth_id.LowPart );
}

/* A received work-on-behalf attribute: the ticket sent */
#define check_wob(a, t, c) check_wob_(__FILE__, __LINE__, a, t, c)
static inline void check_wob_( const char *file, int line, const recv_attrs *attrs, ULONG thread, ULONG time )
{
    ok_(file, line)( attrs->header.ValidAttributes & ALPC_MESSAGE_WORK_ON_BEHALF_ATTRIBUTE,
                     "no work-on-behalf attribute, valid %#lx\n", attrs->header.ValidAttributes );
    if (!(attrs->header.ValidAttributes & ALPC_MESSAGE_WORK_ON_BEHALF_ATTRIBUTE)) return;
    ok_(file, line)( attrs->wob.Ticket.ThreadId == thread && attrs->wob.Ticket.ThreadCreationTimeLow == time,
                     "ticket %#lx/%#lx, expected %#lx/%#lx\n", attrs->wob.Ticket.ThreadId,
                     attrs->wob.Ticket.ThreadCreationTimeLow, thread, time );
}

/* a receive attribute buffer with the context, token and work-on-behalf blocks, built by ntdll */
static inline ALPC_MESSAGE_ATTRIBUTES *init_recv_attrs( recv_attrs *attrs )
{
    SIZE_T needed = 0;
    NTSTATUS status;

    memset( attrs, 0xcc, sizeof(*attrs) );
    status = pAlpcInitializeMessageAttribute( RECV_ATTRIBUTES, &attrs->header, sizeof(*attrs), &needed );
    ok( status == STATUS_SUCCESS, "AlpcInitializeMessageAttribute failed: %#lx\n", status );
    ok( needed == sizeof(*attrs), "needed %Iu bytes\n", needed );
    ok( pAlpcGetMessageAttribute( &attrs->header, ALPC_MESSAGE_CONTEXT_ATTRIBUTE ) == &attrs->context &&
        pAlpcGetMessageAttribute( &attrs->header, ALPC_MESSAGE_TOKEN_ATTRIBUTE ) == &attrs->token &&
        pAlpcGetMessageAttribute( &attrs->header, ALPC_MESSAGE_WORK_ON_BEHALF_ATTRIBUTE ) == &attrs->wob,
        "attribute blocks not where expected\n" );
    attrs->header.ValidAttributes = 0;
    memset( &attrs->context, 0xcc, sizeof(attrs->context) );
    memset( &attrs->token, 0xcc, sizeof(attrs->token) );
    memset( &attrs->wob, 0xcc, sizeof(attrs->wob) );
    return &attrs->header;
}

/* the header of a send attribute buffer with one block, built by ntdll */
static inline void init_send_header( ALPC_MESSAGE_ATTRIBUTES *header, ULONG flag, SIZE_T size )
{
    SIZE_T needed = 0;
    NTSTATUS status;

    memset( header, 0xcc, size );
    status = pAlpcInitializeMessageAttribute( flag, header, size, &needed );
    ok( status == STATUS_SUCCESS, "AlpcInitializeMessageAttribute(%#lx) failed: %#lx\n", flag, status );
    ok( needed == size, "needed %Iu bytes, expected %Iu\n", needed, size );
    header->ValidAttributes = flag;
}

/* a security attribute naming a context (CS, NT) */
static inline ALPC_MESSAGE_ATTRIBUTES *init_security_attrs( security_attrs *attrs, SECURITY_QUALITY_OF_SERVICE *qos,
                                                     ALPC_HANDLE context )
{
    init_send_header( &attrs->header, ALPC_MESSAGE_SECURITY_ATTRIBUTE, sizeof(*attrs) );
    attrs->security.Flags = 0;
    attrs->security.QoS = qos;
    attrs->security.ContextHandle = context;
    return &attrs->header;
}

static inline ALPC_MESSAGE_ATTRIBUTES *init_direct_attrs( direct_attrs *attrs, HANDLE event )
{
    init_send_header( &attrs->header, ALPC_MESSAGE_DIRECT_ATTRIBUTE, sizeof(*attrs) );
    attrs->direct.Event = event;
    return &attrs->header;
}

static inline ALPC_MESSAGE_ATTRIBUTES *init_wob_attrs( wob_attrs *attrs, ULONG thread, ULONG time )
{
    init_send_header( &attrs->header, ALPC_MESSAGE_WORK_ON_BEHALF_ATTRIBUTE, sizeof(*attrs) );
    attrs->wob.Ticket.ThreadId = thread;
    attrs->wob.Ticket.ThreadCreationTimeLow = time;
    return &attrs->header;
}

/* a datagram (OV, TC: RELEASE_MESSAGE on a new message) or any send without a receive */
static inline NTSTATUS send_msg( HANDLE port, ULONG flags, alpc_msg *msg, ALPC_MESSAGE_ATTRIBUTES *attrs )
{
    return pNtAlpcSendWaitReceivePort( port, flags, &msg->h, attrs, NULL, NULL, NULL, NULL );
}

/* a datagram with text and attributes that must go, or must not */
#define send_datagram(p, t, a, e) send_datagram_(__FILE__, __LINE__, p, t, a, e)
static inline void send_datagram_( const char *file, int line, HANDLE port, const char *text,
                            ALPC_MESSAGE_ATTRIBUTES *attrs, BOOL expect )
{
    NTSTATUS status;
    alpc_msg msg;

    set_msg( &msg, text );
    status = send_msg( port, ALPC_MSGFLG_RELEASE_MESSAGE, &msg, attrs );
    if (expect) ok_(file, line)( status == STATUS_SUCCESS, "datagram %s failed: %#lx\n", text, status );
    else ok_(file, line)( !NT_SUCCESS( status ), "datagram %s: %#lx, expected a failure\n", text, status );
}

/* waits for the next message, with the attributes when attrs is given */
static inline NTSTATUS receive_msg( HANDLE port, alpc_msg *msg, recv_attrs *attrs, DWORD ms )
{
    LARGE_INTEGER timeout;
    NTSTATUS status;
    SIZE_T len = sizeof(*msg);

    memset( msg, 0xcc, sizeof(*msg) );
    status = pNtAlpcSendWaitReceivePort( port, 0, NULL, NULL, &msg->h, &len, attrs ? init_recv_attrs( attrs ) : NULL,
                                         relative_timeout( &timeout, ms ));
    if (status == STATUS_TIMEOUT && ms) note_timeout();
    return status;
}

/* receives a message, which must be of this type; anything else is a failure */
#define expect_msg(p, m, a, t) expect_msg_(__FILE__, __LINE__, p, m, a, t, wait_time())
static inline BOOL expect_msg_( const char *file, int line, HANDLE port, alpc_msg *msg, recv_attrs *attrs,
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
        if (MSG_TYPE( msg ) == type) return TRUE;
        ok_(file, line)( 0, "expected a message of type %d, got type %#x with data %s\n", type,
                         msg->h.u2.s2.Type, wine_dbgstr_an( msg->data, min( max( msg->h.u1.s1.DataLength, 0 ), 32 )));
        /* a stray request or connection must not leave its sender blocked */
        if (MSG_TYPE( msg ) == LPC_REQUEST)
        {
            make_reply( &reply, msg, "unexpected" );
            send_msg( port, ALPC_MSGFLG_REPLY_MESSAGE | ALPC_MSGFLG_RELEASE_MESSAGE, &reply, NULL );
        }
        else if (MSG_TYPE( msg ) == LPC_CONNECTION_REQUEST)
        {
            comm = NULL;
            pNtAlpcAcceptConnectPort( &comm, port, 0, NULL, NULL, NULL, &msg->h, NULL, FALSE );
            if (comm) NtClose( comm );
        }
        if (!ms) return FALSE;
    }
    return FALSE;
}

/* the next message is a request with this text */
#define expect_request(p, m, a, t) expect_request_(__FILE__, __LINE__, p, m, a, t)
static inline BOOL expect_request_( const char *file, int line, HANDLE port, alpc_msg *msg, recv_attrs *attrs,
                             const char *text )
{
    if (!expect_msg_( file, line, port, msg, attrs, LPC_REQUEST, wait_time() )) return FALSE;
    return check_data_( file, line, msg, text );
}

/* replies to a received request with text (RELEASE_MESSAGE and REPLY_MESSAGE, CS, TC) */
#define reply_msg(p, r, t) reply_msg_(__FILE__, __LINE__, p, r, t)
static inline NTSTATUS reply_msg_( const char *file, int line, HANDLE port, const alpc_msg *request, const char *text )
{
    alpc_msg reply;
    NTSTATUS status;

    make_reply( &reply, request, text );
    status = send_msg( port, ALPC_MSGFLG_REPLY_MESSAGE | ALPC_MSGFLG_RELEASE_MESSAGE, &reply, NULL );
    ok_(file, line)( status == STATUS_SUCCESS, "reply %s failed: %#lx\n", text, status );
    return status;
}

/* a request (already in msg) with send attributes that waits for its reply;
 * the reply must be LPC_REPLY with the expected text */
#define sync_request_msg(p, m, a, e) sync_request_msg_(__FILE__, __LINE__, p, m, a, e)
static inline NTSTATUS sync_request_msg_( const char *file, int line, HANDLE port, alpc_msg *msg,
                                   ALPC_MESSAGE_ATTRIBUTES *attrs, const char *expect )
{
    LARGE_INTEGER timeout;
    alpc_msg reply;
    NTSTATUS status;
    SIZE_T len = sizeof(reply);

    memset( &reply, 0xcc, sizeof(reply) );
    status = pNtAlpcSendWaitReceivePort( port, ALPC_MSGFLG_SYNC_REQUEST, &msg->h, attrs, &reply.h, &len, NULL,
                                         relative_timeout( &timeout, CLIENT_WAIT ));
    if (status == STATUS_TIMEOUT) note_timeout();
    ok_(file, line)( status == STATUS_SUCCESS, "synchronous request failed: %#lx\n", status );
    if (status) return status;
    ok_(file, line)( MSG_TYPE( &reply ) == LPC_REPLY, "reply type %#x\n", reply.h.u2.s2.Type );
    check_data_( file, line, &reply, expect );
    return status;
}

#define sync_request(p, t, a, e) sync_request_(__FILE__, __LINE__, p, t, a, e)
static inline NTSTATUS sync_request_( const char *file, int line, HANDLE port, const char *text,
                               ALPC_MESSAGE_ATTRIBUTES *attrs, const char *expect )
{
    alpc_msg msg;

    set_msg( &msg, text );
    return sync_request_msg_( file, line, port, &msg, attrs, expect );
}

/* the calling thread's report as a synchronous request */
#define sync_report(p, t, a, e) sync_report_(__FILE__, __LINE__, p, t, a, e)
static inline void sync_report_( const char *file, int line, HANDLE port, const char *tag, ALPC_MESSAGE_ATTRIBUTES *attrs,
                          const char *expect )
{
    struct report report;
    alpc_msg msg;

    /* an empty report when the token cannot be read: the server's checks fail then */
    get_report_( file, line, &report, tag );
    set_report_msg( &msg, &report );
    sync_request_msg_( file, line, port, &msg, attrs, expect );
}


/***********************************************************************
 * Clients: a thread of this process or a child process
 */

/* NtAlpcConnectPort as a client script does, synchronous, with a timeout and
 * the given port flags */
#define client_connect(n, f) client_connect_(__FILE__, __LINE__, n, f)
static inline HANDLE client_connect_( const char *file, int line, const char *name, ULONG flags )
{
    ALPC_PORT_ATTRIBUTES attrs;
    LARGE_INTEGER timeout;
    UNICODE_STRING str;
    WCHAR buffer[MAX_PATH];
    HANDLE port = NULL;
    NTSTATUS status;

    init_unicode( &str, buffer, name );
    init_port_attrs( &attrs, flags );
    status = pNtAlpcConnectPort( &port, &str, NULL, &attrs, ALPC_SYNC_CONNECTION, NULL, NULL, NULL, NULL, NULL,
                                 relative_timeout( &timeout, CLIENT_WAIT ));
    if (status == STATUS_TIMEOUT) note_timeout();
    ok_(file, line)( status == STATUS_SUCCESS, "NtAlpcConnectPort(%s) failed: %#lx\n", name, status );
    if (status != STATUS_SUCCESS) return NULL;
    ok_(file, line)( port != NULL, "no port handle\n" );
    return port;
}

/* the client script ends: the port is closed */
#define client_close(p) ok( NtClose( p ) == STATUS_SUCCESS, "NtClose failed\n" )


/***********************************************************************
 * Server side of a connection with a client thread or process
 */

struct session
{
    char   name[MAX_PATH];
    HANDLE port;        /* connection port */
    HANDLE comm;        /* server communication port */
    HANDLE checked;     /* handshake events, set by the client */
    HANDLE seen;
    void  *context;     /* the port context given at accept */
    struct client client;
};

#define create_port(n) create_port_(__FILE__, __LINE__, n)
static inline HANDLE create_port_( const char *file, int line, const char *name )
{
    ALPC_PORT_ATTRIBUTES attrs;
    UNICODE_STRING str;
    OBJECT_ATTRIBUTES attr;
    WCHAR buffer[MAX_PATH];
    HANDLE port = NULL;
    NTSTATUS status;

    init_unicode( &str, buffer, name );
    InitializeObjectAttributes( &attr, &str, 0, NULL, NULL );
    init_port_attrs( &attrs, 0 );
    status = pNtAlpcCreatePort( &port, &attr, &attrs );
    ok_(file, line)( status == STATUS_SUCCESS, "NtAlpcCreatePort(%s) failed: %#lx\n", name, status );
    return status ? NULL : port;
}

/* the port, the handshake events, the client, and its accepted connection */
#define session_start(s, n, p) session_start_(__FILE__, __LINE__, s, bno_dir, n, p)
#define session_start_dir(s, d, n, p) session_start_(__FILE__, __LINE__, s, d, n, p)
static inline BOOL session_start_( const char *file, int line, struct session *s, const char *dir, const char *scenario,
                            BOOL process )
{
    NTSTATUS status;
    recv_attrs attrs;
    alpc_msg msg;

    memset( s, 0, sizeof(*s) );
    make_name( s->name, dir, scenario );
    s->context = (void *)(ULONG_PTR)(0x5ec0000 + name_counter);
    s->checked = create_auto_event( s->name, "checked" );
    s->seen = create_auto_event( s->name, "seen" );
    if (!(s->port = create_port_( file, line, s->name ))) return FALSE;
    if (!start_client( &s->client, process, scenario, s->name )) return FALSE;

    /* a child process has to start first */
    if (!expect_msg_( file, line, s->port, &msg, &attrs, LPC_CONNECTION_REQUEST, 2 * wait_time() )) return FALSE;
    status = pNtAlpcAcceptConnectPort( &s->comm, s->port, 0, NULL, NULL, s->context, &msg.h, NULL, TRUE );
    ok_(file, line)( status == STATUS_SUCCESS, "NtAlpcAcceptConnectPort failed: %#lx\n", status );
    if (status) s->comm = NULL;
    return !status && s->comm;
}

/* the client closed its port: LPC_PORT_CLOSED on the connection port */
#define expect_closed(p) expect_closed_(__FILE__, __LINE__, p)
static inline BOOL expect_closed_( const char *file, int line, HANDLE port )
{
    recv_attrs attrs;
    alpc_msg msg;

    return expect_msg_( file, line, port, &msg, &attrs, LPC_PORT_CLOSED, wait_time() );
}

static inline void session_end( struct session *s )
{
    finish_client( &s->client );
    if (s->comm) NtClose( s->comm );
    if (s->port) NtClose( s->port );
    s->comm = s->port = NULL;
    close_handle( &s->checked );
    close_handle( &s->seen );
}


/***********************************************************************
 * 7. After all of the above, a plain connection still works
 */

static inline void client_ping( const char *name )
{
    HANDLE port;

    if (!(port = client_connect( name, 0 ))) return;
    sync_request( port, "ping", NULL, "pong" );
    client_close( port );
}

static inline void test_still_works( BOOL process )
{
    recv_attrs attrs;
    struct session s;
    alpc_msg msg;

    if (!session_start( &s, "ping", process )) goto done;
    if (!expect_request( s.port, &msg, &attrs, "ping" )) goto done;
    ok( msg.h.ClientId.UniqueProcess == ULongToHandle( s.client.pid ), "sender process %p, expected %04lx\n",
        msg.h.ClientId.UniqueProcess, s.client.pid );
    ok( (attrs.header.ValidAttributes & ALPC_MESSAGE_CONTEXT_ATTRIBUTE) && attrs.context.PortContext == s.context,
        "valid %#lx, PortContext %p\n", attrs.header.ValidAttributes, attrs.context.PortContext );
    reply_msg( s.comm, &msg, "pong" );
    expect_closed( s.port );
done:
    session_end( &s );
}

/* the privilege the capture checks turn on and off; disabled in a new token */
static inline LUID shutdown_luid(void)
{
    LUID luid;

    luid.LowPart = SE_SHUTDOWN_PRIVILEGE;
    luid.HighPart = 0;
    return luid;
}

/* enables the privilege in the calling thread's impersonation token */
static inline BOOL enable_shutdown(void)
{
    TOKEN_PRIVILEGES privs;
    HANDLE token;
    BOOL ret;

    ret = OpenThreadToken( GetCurrentThread(), TOKEN_ADJUST_PRIVILEGES | TOKEN_QUERY, TRUE, &token );
    ok( ret, "OpenThreadToken failed: %lu\n", GetLastError() );
    if (!ret) return FALSE;
    privs.PrivilegeCount = 1;
    privs.Privileges[0].Luid = shutdown_luid();
    privs.Privileges[0].Attributes = SE_PRIVILEGE_ENABLED;
    ret = AdjustTokenPrivileges( token, FALSE, &privs, 0, NULL, NULL ) && GetLastError() == ERROR_SUCCESS;
    ok( ret, "AdjustTokenPrivileges failed: %lu\n", GetLastError() );
    CloseHandle( token );
    return ret;
}

#endif
