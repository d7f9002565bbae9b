/*
 * ALPC security: security contexts and impersonation, the token attribute,
 * the sender's SID, the direct and work-on-behalf attributes, across
 * threads and across processes
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
 * Built like alpc.c and alpc_attrs.c, with the same harness (port_test.h).
 * Every scenario runs twice: once with the client in a second thread of
 * this process, once with the client in a child process ("alpc_sec client
 * SCENARIO PORTNAME"), which reports through its own ok() calls and its exit
 * code.
 *
 * The client tells the server what it knows about itself (its token's ids,
 * its user SID) in the data of its messages, so that the server can compare
 * what ALPC reports with the truth in either case.
 *
 * Nothing here may block without a bound: the server side receives and
 * waits with a timeout, clients pass timeouts to their connects, receives
 * and synchronous requests, and run in threads or children that are waited
 * for with a timeout and killed when it runs out.  After a few timeouts no
 * new scenario starts; a watchdog thread ends the program (and each child)
 * should a wait have no bound after all.
 *
 * Where an expectation comes from, in the comments: "OV" microsoft/openvmm's
 * ALPC wrapper and its tests, "TC" microsoft/terminal's ConIoSrv, "CS"
 * csandker's ALPC samples, "NT" NtApiDotNet (all through sections 7 to 9
 * and 13 of the project's lpc-alpc-reference-full.md), "guess" our own
 * expectation.  Checks without a mark are plain Win32 security, event or
 * object manager behaviour.
 *
 * A message that must not go is sent as a datagram: should it go after all,
 * the server finds it before the request it waits for and says so.  The
 * direct attribute's event must stay unset until the server receives, so
 * the server receives only once the client, through a named event, said it
 * has looked.
 *
 * The "info" group goes with them: NtAlpcConnectPortEx, resource reserves,
 * AlpcServerInformation and AlpcMessageTokenModifiedIdInformation.  There
 * "REF" marks what sections 7.6 and 8.2 of the reference say.
 *
 * Not tested here: security attributes with ALPC_SECFLG_CREATE_HANDLE, the
 * security attribute a receiver gets, dynamic context tracking, other
 * users' tokens, NtAlpcImpersonateClientOfPort's flags,
 * AlpcMessageDirectStatusInformation, attributes sent in replies and in
 * connection messages, NtAlpcConnectPortEx's ServerSecurityRequirements,
 * sending with a resource reserve.
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
#define PORT_TEST_PROGRAM "alpc_sec"
#define PORT_TEST_PREFIX "alpc-sec"
#include "port_test.h"

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
static BOOL wait_event_( const char *file, int line, HANDLE event, DWORD ms, const char *what )
{
    DWORD ret = WaitForSingleObject( event, ms );

    if (ret == WAIT_TIMEOUT) note_timeout();
    ok_(file, line)( ret == WAIT_OBJECT_0, "waiting for %s: %#lx\n", what, ret );
    return ret == WAIT_OBJECT_0;
}


/***********************************************************************
 * Names, events, messages, attributes, tokens
 */

static void init_qos( SECURITY_QUALITY_OF_SERVICE *qos, SECURITY_IMPERSONATION_LEVEL level )
{
    qos->Length = sizeof(*qos);
    qos->ImpersonationLevel = level;
    qos->ContextTrackingMode = SECURITY_STATIC_TRACKING;
    qos->EffectiveOnly = FALSE;
}

/* the attributes of every port of this test; OV sets the section limits to SIZE_MAX */
static void init_port_attrs( ALPC_PORT_ATTRIBUTES *attrs, ULONG flags )
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
static HANDLE create_auto_event( const char *port_name, const char *suffix )
{
    char name[MAX_PATH];
    HANDLE event;

    sprintf( name, "%s-%s", leaf( port_name ), suffix );
    event = CreateEventA( NULL, FALSE, FALSE, name );
    ok( event != NULL, "CreateEvent(%s) failed: %lu\n", name, GetLastError() );
    return event;
}

/* the client's side of that event */
static HANDLE open_event( const char *port_name, const char *suffix )
{
    char name[MAX_PATH];
    HANDLE event;

    sprintf( name, "%s-%s", leaf( port_name ), suffix );
    event = OpenEventA( SYNCHRONIZE | EVENT_MODIFY_STATE, FALSE, name );
    ok( event != NULL, "OpenEvent(%s) failed: %lu\n", name, GetLastError() );
    return event;
}

/* text as the data of a message, header lengths included */
static void set_data( alpc_msg *msg, const void *data, SHORT len )
{
    msg->h.u1.s1.DataLength = len;
    msg->h.u1.s1.TotalLength = HDR_SIZE + len;
    memcpy( msg->data, data, len );
}

/* a message carrying text, with a clean header */
static void set_msg( alpc_msg *msg, const char *text )
{
    memset( &msg->h, 0, sizeof(msg->h) );
    set_data( msg, text, strlen( text ) + 1 );
}

/* a message carrying a report, with a clean header */
static void set_report_msg( alpc_msg *msg, const struct report *report )
{
    memset( &msg->h, 0, sizeof(msg->h) );
    set_data( msg, report, sizeof(*report) );
}

/* a reply to a received message: its ClientId, MessageId and CallbackId, new data */
static void make_reply( alpc_msg *reply, const alpc_msg *request, const char *text )
{
    reply->h = request->h;
    reply->h.u2.ZeroInit = 0;
    set_data( reply, text, strlen( text ) + 1 );
}

#define check_data(msg, text) check_data_(__FILE__, __LINE__, msg, text)
static BOOL check_data_( const char *file, int line, const alpc_msg *msg, const char *text )
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
static BOOL get_report_( const char *file, int line, struct report *report, const char *tag )
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
static void check_token_( const char *file, int line, const recv_attrs *attrs, const struct report *report )
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
static void check_wob_( const char *file, int line, const recv_attrs *attrs, ULONG thread, ULONG time )
{
    ok_(file, line)( attrs->header.ValidAttributes & ALPC_MESSAGE_WORK_ON_BEHALF_ATTRIBUTE,
                     "no work-on-behalf attribute, valid %#lx\n", attrs->header.ValidAttributes );
    if (!(attrs->header.ValidAttributes & ALPC_MESSAGE_WORK_ON_BEHALF_ATTRIBUTE)) return;
    ok_(file, line)( attrs->wob.Ticket.ThreadId == thread && attrs->wob.Ticket.ThreadCreationTimeLow == time,
                     "ticket %#lx/%#lx, expected %#lx/%#lx\n", attrs->wob.Ticket.ThreadId,
                     attrs->wob.Ticket.ThreadCreationTimeLow, thread, time );
}

/* a receive attribute buffer with the context, token and work-on-behalf blocks, built by ntdll */
static ALPC_MESSAGE_ATTRIBUTES *init_recv_attrs( recv_attrs *attrs )
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
static void init_send_header( ALPC_MESSAGE_ATTRIBUTES *header, ULONG flag, SIZE_T size )
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
static ALPC_MESSAGE_ATTRIBUTES *init_security_attrs( security_attrs *attrs, SECURITY_QUALITY_OF_SERVICE *qos,
                                                     ALPC_HANDLE context )
{
    init_send_header( &attrs->header, ALPC_MESSAGE_SECURITY_ATTRIBUTE, sizeof(*attrs) );
    attrs->security.Flags = 0;
    attrs->security.QoS = qos;
    attrs->security.ContextHandle = context;
    return &attrs->header;
}

static ALPC_MESSAGE_ATTRIBUTES *init_direct_attrs( direct_attrs *attrs, HANDLE event )
{
    init_send_header( &attrs->header, ALPC_MESSAGE_DIRECT_ATTRIBUTE, sizeof(*attrs) );
    attrs->direct.Event = event;
    return &attrs->header;
}

static ALPC_MESSAGE_ATTRIBUTES *init_wob_attrs( wob_attrs *attrs, ULONG thread, ULONG time )
{
    init_send_header( &attrs->header, ALPC_MESSAGE_WORK_ON_BEHALF_ATTRIBUTE, sizeof(*attrs) );
    attrs->wob.Ticket.ThreadId = thread;
    attrs->wob.Ticket.ThreadCreationTimeLow = time;
    return &attrs->header;
}

/* a datagram (OV, TC: RELEASE_MESSAGE on a new message) or any send without a receive */
static NTSTATUS send_msg( HANDLE port, ULONG flags, alpc_msg *msg, ALPC_MESSAGE_ATTRIBUTES *attrs )
{
    return pNtAlpcSendWaitReceivePort( port, flags, &msg->h, attrs, NULL, NULL, NULL, NULL );
}

/* a datagram with text and attributes that must go, or must not */
#define send_datagram(p, t, a, e) send_datagram_(__FILE__, __LINE__, p, t, a, e)
static void send_datagram_( const char *file, int line, HANDLE port, const char *text,
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
static NTSTATUS receive_msg( HANDLE port, alpc_msg *msg, recv_attrs *attrs, DWORD ms )
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
static BOOL expect_msg_( const char *file, int line, HANDLE port, alpc_msg *msg, recv_attrs *attrs,
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
static BOOL expect_request_( const char *file, int line, HANDLE port, alpc_msg *msg, recv_attrs *attrs,
                             const char *text )
{
    if (!expect_msg_( file, line, port, msg, attrs, LPC_REQUEST, wait_time() )) return FALSE;
    return check_data_( file, line, msg, text );
}

/* replies to a received request with text (RELEASE_MESSAGE and REPLY_MESSAGE, CS, TC) */
#define reply_msg(p, r, t) reply_msg_(__FILE__, __LINE__, p, r, t)
static NTSTATUS reply_msg_( const char *file, int line, HANDLE port, const alpc_msg *request, const char *text )
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
static NTSTATUS sync_request_msg_( const char *file, int line, HANDLE port, alpc_msg *msg,
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
static NTSTATUS sync_request_( const char *file, int line, HANDLE port, const char *text,
                               ALPC_MESSAGE_ATTRIBUTES *attrs, const char *expect )
{
    alpc_msg msg;

    set_msg( &msg, text );
    return sync_request_msg_( file, line, port, &msg, attrs, expect );
}

/* the calling thread's report as a synchronous request */
#define sync_report(p, t, a, e) sync_report_(__FILE__, __LINE__, p, t, a, e)
static void sync_report_( const char *file, int line, HANDLE port, const char *tag, ALPC_MESSAGE_ATTRIBUTES *attrs,
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
static HANDLE client_connect_( const char *file, int line, const char *name, ULONG flags )
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
static HANDLE create_port_( const char *file, int line, const char *name )
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
static BOOL session_start_( const char *file, int line, struct session *s, const char *dir, const char *scenario,
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
static BOOL expect_closed_( const char *file, int line, HANDLE port )
{
    recv_attrs attrs;
    alpc_msg msg;

    return expect_msg_( file, line, port, &msg, &attrs, LPC_PORT_CLOSED, wait_time() );
}

static void session_end( struct session *s )
{
    finish_client( &s->client );
    if (s->comm) NtClose( s->comm );
    if (s->port) NtClose( s->port );
    s->comm = s->port = NULL;
    close_handle( &s->checked );
    close_handle( &s->seen );
}


/***********************************************************************
 * 1. Security contexts and impersonation
 */

/* NtAlpcCreateSecurityContext on the client's port (CS, NT): a new context handle */
#define create_context(p, q) create_context_(__FILE__, __LINE__, p, q)
static ALPC_HANDLE create_context_( const char *file, int line, HANDLE port, SECURITY_QUALITY_OF_SERVICE *qos )
{
    ALPC_SECURITY_ATTR sec;
    NTSTATUS status;

    sec.Flags = 0;
    sec.QoS = qos;
    sec.ContextHandle = NULL;
    status = pNtAlpcCreateSecurityContext( port, 0, &sec );
    ok_(file, line)( status == STATUS_SUCCESS, "NtAlpcCreateSecurityContext(level %u) failed: %#lx\n",
                     qos->ImpersonationLevel, status );
    if (status) return NULL;
    ok_(file, line)( sec.ContextHandle != NULL, "no ContextHandle\n" );
    return sec.ContextHandle;
}

/* whether this program is a client child process */
static BOOL is_child;

/* the privilege the capture checks turn on and off; disabled in a new token */
static LUID shutdown_luid(void)
{
    LUID luid;

    luid.LowPart = SE_SHUTDOWN_PRIVILEGE;
    luid.HighPart = 0;
    return luid;
}

/* enables the privilege in the calling thread's impersonation token */
static BOOL enable_shutdown(void)
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

/* whether a token has the privilege enabled; -1 when it cannot tell */
static int shutdown_enabled( HANDLE token )
{
    ULONG_PTR buffer[1024 / sizeof(ULONG_PTR)];
    TOKEN_PRIVILEGES *privs = (TOKEN_PRIVILEGES *)buffer;
    LUID luid = shutdown_luid();
    DWORD len, i;

    if (!GetTokenInformation( token, TokenPrivileges, buffer, sizeof(buffer), &len )) return -1;
    for (i = 0; i < privs->PrivilegeCount; i++)
        if (luid_eq( privs->Privileges[i].Luid, luid ))
            return !!(privs->Privileges[i].Attributes & SE_PRIVILEGE_ENABLED);
    return -1;
}

/* A context holds the identity of its creator when it was made (CS: the
 * security "captured" per the QoS).  The token's identity cannot differ
 * here, one user is all there is; a privilege enabled in an impersonation
 * token shows which token the server gets. */
static void client_capture( HANDLE port )
{
    SECURITY_QUALITY_OF_SERVICE qos;
    ALPC_HANDLE plain = NULL, priv = NULL;
    security_attrs sattrs;
    BOOL impersonating;

    init_qos( &qos, SecurityImpersonation );
    plain = create_context( port, &qos );
    impersonating = ImpersonateSelf( SecurityImpersonation );
    ok( impersonating, "ImpersonateSelf failed: %lu\n", GetLastError() );
    if (impersonating && enable_shutdown()) priv = create_context( port, &qos );

    /* the context's token, not the one the sending thread has now */
    if (plain) sync_request( port, "ctx-priv-off", init_security_attrs( &sattrs, &qos, plain ), "done" );
    else sync_request( port, "ctx-skip", NULL, "done" );
    if (priv) sync_request( port, "ctx-priv-on", init_security_attrs( &sattrs, &qos, priv ), "done" );
    else sync_request( port, "ctx-skip", NULL, "done" );
    /* guess: with static tracking the port's default is what was captured at connect */
    if (priv) sync_request( port, "ctx-static", NULL, "done" );
    else sync_request( port, "ctx-skip", NULL, "done" );
    if (impersonating) ok( RevertToSelf(), "RevertToSelf failed: %lu\n", GetLastError() );
    /* and it stays so once the thread is itself again */
    if (priv) sync_request( port, "ctx-priv-on", init_security_attrs( &sattrs, &qos, priv ), "done" );
    else sync_request( port, "ctx-skip", NULL, "done" );

    if (plain) pNtAlpcDeleteSecurityContext( port, 0, plain );
    if (priv) pNtAlpcDeleteSecurityContext( port, 0, priv );
}

/* A context belongs to the port it was made on: another connection of the
 * same client cannot use it. */
static void client_other_port( const char *name, HANDLE port )
{
    SECURITY_QUALITY_OF_SERVICE qos;
    security_attrs sattrs;
    ALPC_HANDLE context;
    NTSTATUS status;
    HANDLE other;

    init_qos( &qos, SecurityImpersonation );
    if (!(other = client_connect( name, ALPC_PORFLG_ALLOW_IMPERSONATION ))) return;
    if ((context = create_context( port, &qos )))
    {
        /* guess: any failure */
        send_datagram( other, "ctx-other-port", init_security_attrs( &sattrs, &qos, context ), FALSE );
        status = pNtAlpcDeleteSecurityContext( other, 0, context );
        ok( !NT_SUCCESS( status ), "NtAlpcDeleteSecurityContext through another port: %#lx\n", status );
        status = pNtAlpcRevokeSecurityContext( other, 0, context );
        ok( !NT_SUCCESS( status ), "NtAlpcRevokeSecurityContext through another port: %#lx\n", status );
        /* still there, on its own port */
        sync_request( port, "ctx-impersonation", init_security_attrs( &sattrs, &qos, context ), "done" );
        status = pNtAlpcDeleteSecurityContext( port, 0, context );
        ok( status == STATUS_SUCCESS, "NtAlpcDeleteSecurityContext failed: %#lx\n", status );
    }
    else sync_request( port, "ctx-skip", NULL, "done" );
    sync_request( other, "ctx-other-bye", NULL, "bye" );
    client_close( other );
}

static void client_contexts( const char *name )
{
    SECURITY_QUALITY_OF_SERVICE qos_imp, qos_id;
    ALPC_HANDLE ctx_imp, ctx_id;
    ALPC_SECURITY_ATTR sec;
    security_attrs sattrs;
    NTSTATUS status;
    HANDLE port;

    /* CS, NT: the client allows impersonation in its port attributes */
    if (!(port = client_connect( name, ALPC_PORFLG_ALLOW_IMPERSONATION ))) return;

    init_qos( &qos_imp, SecurityImpersonation );
    init_qos( &qos_id, SecurityIdentification );
    ctx_imp = create_context( port, &qos_imp );
    ctx_id = create_context( port, &qos_id );
    /* guess: two contexts, two handles */
    ok( !ctx_imp || ctx_imp != ctx_id, "the same handle %p twice\n", ctx_imp );

    /* without a security attribute: the port's QoS (CS) */
    sync_request( port, "ctx-none", NULL, "done" );
    /* a request under a context is impersonated as that context (CS) */
    if (ctx_imp) sync_request( port, "ctx-impersonation", init_security_attrs( &sattrs, &qos_imp, ctx_imp ), "done" );
    else sync_request( port, "ctx-skip", NULL, "done" );
    if (ctx_id)
        sync_request( port, "ctx-identification", init_security_attrs( &sattrs, &qos_id, ctx_id ), "done" );
    else sync_request( port, "ctx-skip", NULL, "done" );
    /* and the same context again: it is no one-shot */
    if (ctx_imp)
        sync_request( port, "ctx-impersonation", init_security_attrs( &sattrs, &qos_imp, ctx_imp ), "done" );
    else sync_request( port, "ctx-skip", NULL, "done" );

    /* A message that must not go is a datagram: should it go after all,
     * the server sees it before the next request and says so. */
    if (ctx_imp)
    {
        /* revoked (NT), it can no longer be used */
        status = pNtAlpcRevokeSecurityContext( port, 0, ctx_imp );
        ok( status == STATUS_SUCCESS, "NtAlpcRevokeSecurityContext failed: %#lx\n", status );
        send_datagram( port, "ctx-revoked", init_security_attrs( &sattrs, &qos_imp, ctx_imp ), FALSE );
    }
    if (ctx_id)
    {
        status = pNtAlpcDeleteSecurityContext( port, 0, ctx_id );
        ok( status == STATUS_SUCCESS, "NtAlpcDeleteSecurityContext failed: %#lx\n", status );
        /* guess: any failure, deleting once more or sending under it */
        status = pNtAlpcDeleteSecurityContext( port, 0, ctx_id );
        ok( !NT_SUCCESS( status ), "NtAlpcDeleteSecurityContext again: %#lx\n", status );
        send_datagram( port, "ctx-deleted", init_security_attrs( &sattrs, &qos_id, ctx_id ), FALSE );
    }
    /* guess: any failure */
    send_datagram( port, "ctx-bogus", init_security_attrs( &sattrs, &qos_imp, BOGUS_HANDLE ), FALSE );
    /* a port handle that is none */
    memset( &sec, 0, sizeof(sec) );
    sec.QoS = &qos_imp;
    status = pNtAlpcCreateSecurityContext( BOGUS_HANDLE, 0, &sec );
    ok( status == STATUS_INVALID_HANDLE, "NtAlpcCreateSecurityContext(bogus port): %#lx\n", status );
    ok( !sec.ContextHandle, "ContextHandle %p\n", sec.ContextHandle );
    status = pNtAlpcDeleteSecurityContext( port, 0, BOGUS_HANDLE );
    ok( !NT_SUCCESS( status ), "NtAlpcDeleteSecurityContext(bogus): %#lx\n", status );
    status = pNtAlpcRevokeSecurityContext( port, 0, BOGUS_HANDLE );
    ok( !NT_SUCCESS( status ), "NtAlpcRevokeSecurityContext(bogus): %#lx\n", status );
    if (ctx_imp)
    {
        /* guess: a revoked context is still there, to be deleted */
        status = pNtAlpcDeleteSecurityContext( port, 0, ctx_imp );
        ok( status == STATUS_SUCCESS, "NtAlpcDeleteSecurityContext(revoked) failed: %#lx\n", status );
    }

    /* a context made at a lower level than the port's QoS, after all that */
    if ((ctx_id = create_context( port, &qos_id )))
    {
        sync_request( port, "ctx-identification", init_security_attrs( &sattrs, &qos_id, ctx_id ), "done" );
        status = pNtAlpcDeleteSecurityContext( port, 0, ctx_id );
        ok( status == STATUS_SUCCESS, "NtAlpcDeleteSecurityContext failed: %#lx\n", status );
    }
    else sync_request( port, "ctx-skip", NULL, "done" );

    client_capture( port );
    client_other_port( name, port );

    /* guess: a QoS that points nowhere is a failure, not a crash; in a
     * child only, so that a crash cannot take the server with it */
    if (is_child)
    {
        memset( &sec, 0, sizeof(sec) );
        sec.QoS = (SECURITY_QUALITY_OF_SERVICE *)(ULONG_PTR)0x10;
        status = pNtAlpcCreateSecurityContext( port, 0, &sec );
        ok( !NT_SUCCESS( status ), "NtAlpcCreateSecurityContext(bad QoS pointer): %#lx\n", status );
    }

    sync_request( port, "ctx-bye", NULL, "bye" );
    client_close( port );
}

/* Impersonates the sender of msg through port (CS): the thread gets an
 * impersonation token of that level; RevertToSelf ends it. */
#define check_level(p, m, l, e) check_level_(__FILE__, __LINE__, p, m, l, e)
static void check_level_( const char *file, int line, HANDLE port, alpc_msg *msg, SECURITY_IMPERSONATION_LEVEL level,
                          int priv )
{
    SECURITY_IMPERSONATION_LEVEL got = -1;
    TOKEN_TYPE type = 0;
    NTSTATUS status;
    HANDLE token;
    DWORD len;
    BOOL ret;

    status = pNtAlpcImpersonateClientOfPort( port, &msg->h, NULL );
    ok_(file, line)( status == STATUS_SUCCESS, "NtAlpcImpersonateClientOfPort failed: %#lx\n", status );
    if (status) return;
    ret = OpenThreadToken( GetCurrentThread(), TOKEN_QUERY, TRUE, &token );
    ok_(file, line)( ret, "OpenThreadToken failed: %lu\n", GetLastError() );
    if (ret)
    {
        ret = GetTokenInformation( token, TokenType, &type, sizeof(type), &len );
        ok_(file, line)( ret && type == TokenImpersonation, "TokenType %u (%d, %lu)\n", type, ret, GetLastError() );
        ret = GetTokenInformation( token, TokenImpersonationLevel, &got, sizeof(got), &len );
        ok_(file, line)( ret, "GetTokenInformation(TokenImpersonationLevel) failed: %lu\n", GetLastError() );
        ok_(file, line)( got == level, "impersonation level %d, expected %d\n", got, level );
        if (priv != -1)
            ok_(file, line)( shutdown_enabled( token ) == priv, "SeShutdownPrivilege enabled %d, expected %d\n",
                             shutdown_enabled( token ), priv );
        CloseHandle( token );
    }
    ret = RevertToSelf();
    ok_(file, line)( ret, "RevertToSelf failed: %lu\n", GetLastError() );
    /* and the thread is itself again */
    token = NULL;
    ret = OpenThreadToken( GetCurrentThread(), TOKEN_QUERY, TRUE, &token );
    ok_(file, line)( !ret && GetLastError() == ERROR_NO_TOKEN, "OpenThreadToken after reverting: %d, %lu\n", ret,
                     GetLastError() );
    if (ret) CloseHandle( token );
}

/* the next request, impersonated at this level, then answered */
#define impersonate_request(s, t, l) impersonate_request_(__FILE__, __LINE__, (s)->port, (s)->comm, t, l, -1)
#define impersonate_priv(s, t, e) impersonate_request_(__FILE__, __LINE__, (s)->port, (s)->comm, t, \
                                                       SecurityImpersonation, e)
static BOOL impersonate_request_( const char *file, int line, HANDLE port, HANDLE comm,
                                  const char *text, SECURITY_IMPERSONATION_LEVEL level, int priv )
{
    recv_attrs attrs;
    alpc_msg msg;

    if (!expect_msg_( file, line, port, &msg, &attrs, LPC_REQUEST, wait_time() )) return FALSE;
    /* the client could not make its context: nothing to check */
    if (!strcmp( msg.data, "ctx-skip" )) return !reply_msg_( file, line, comm, &msg, "done" );
    if (check_data_( file, line, &msg, text ))
    {
        /* CS impersonates through the communication port */
        check_level_( file, line, comm, &msg, level, priv );
    }
    return !reply_msg_( file, line, comm, &msg, "done" );
}

static void test_contexts( BOOL process )
{
    HANDLE comm2 = NULL;
    recv_attrs attrs;
    struct session s;
    NTSTATUS status;
    alpc_msg msg;

    if (!session_start( &s, "contexts", process )) goto done;

    if (!impersonate_request( &s, "ctx-none", SecurityImpersonation )) goto done;
    if (!impersonate_request( &s, "ctx-impersonation", SecurityImpersonation )) goto done;
    if (!impersonate_request( &s, "ctx-identification", SecurityIdentification )) goto done;
    if (!impersonate_request( &s, "ctx-impersonation", SecurityImpersonation )) goto done;
    /* the datagrams under a revoked, a deleted and a bogus context never come */
    if (!impersonate_request( &s, "ctx-identification", SecurityIdentification )) goto done;

    /* what a context captured */
    if (!impersonate_priv( &s, "ctx-priv-off", 0 )) goto done;
    if (!impersonate_priv( &s, "ctx-priv-on", 1 )) goto done;
    if (!impersonate_priv( &s, "ctx-static", 0 )) goto done;
    if (!impersonate_priv( &s, "ctx-priv-on", 1 )) goto done;

    /* the client's second connection; its datagram under the first one's context never comes */
    if (!expect_msg( s.port, &msg, &attrs, LPC_CONNECTION_REQUEST )) goto done;
    status = pNtAlpcAcceptConnectPort( &comm2, s.port, 0, NULL, NULL, NULL, &msg.h, NULL, TRUE );
    ok( status == STATUS_SUCCESS, "NtAlpcAcceptConnectPort failed: %#lx\n", status );
    if (status) goto done;
    if (!impersonate_request( &s, "ctx-impersonation", SecurityImpersonation )) goto done;
    if (!expect_request( s.port, &msg, &attrs, "ctx-other-bye" )) goto done;
    reply_msg( comm2, &msg, "bye" );
    expect_closed( s.port );

    if (!expect_request( s.port, &msg, &attrs, "ctx-bye" )) goto done;
    reply_msg( s.comm, &msg, "bye" );
    expect_closed( s.port );
done:
    if (comm2) NtClose( comm2 );
    session_end( &s );
}


/***********************************************************************
 * 2. The token attribute and 3. the sender's SID
 */

static void client_token( const char *name )
{
    struct report report, server_report;
    const struct report *server;
    LARGE_INTEGER timeout;
    recv_attrs attrs;
    alpc_msg msg, reply;
    NTSTATUS status;
    HANDLE port;
    SIZE_T len;
    BOOL ret;

    if (!(port = client_connect( name, 0 ))) return;

    /* not impersonating: the process's token */
    sync_report( port, "token-process", NULL, "ok" );
    get_report( &report, "token-datagram" );
    set_report_msg( &msg, &report );
    status = send_msg( port, ALPC_MSGFLG_RELEASE_MESSAGE, &msg, NULL );
    ok( status == STATUS_SUCCESS, "datagram failed: %#lx\n", status );

    /* impersonating: the thread's token, whose TokenId is another */
    ret = ImpersonateSelf( SecurityImpersonation );
    ok( ret, "ImpersonateSelf failed: %lu\n", GetLastError() );
    sync_report( port, ret ? "token-thread" : "token-process", NULL, "ok" );
    ok( RevertToSelf(), "RevertToSelf failed: %lu\n", GetLastError() );

    /* and the process's again */
    sync_report( port, "token-process", NULL, "ok" );

    /* the server's datagram to us, with its own report */
    server = NULL;
    status = receive_msg( port, &msg, &attrs, CLIENT_WAIT );
    ok( status == STATUS_SUCCESS, "receiving the server's datagram failed: %#lx\n", status );
    if (!status)
    {
        ok( MSG_TYPE( &msg ) == LPC_DATAGRAM, "type %#x\n", msg.h.u2.s2.Type );
        if ((server = check_report( &msg, "token-server" ))) server_report = *server;
        check_token( &attrs, server );
    }

    /* guess: a reply is a message of the server's too */
    set_msg( &msg, "token-bye" );
    len = sizeof(reply);
    memset( &reply, 0xcc, sizeof(reply) );
    status = pNtAlpcSendWaitReceivePort( port, ALPC_MSGFLG_SYNC_REQUEST, &msg.h, NULL, &reply.h, &len,
                                         init_recv_attrs( &attrs ), relative_timeout( &timeout, CLIENT_WAIT ));
    if (status == STATUS_TIMEOUT) note_timeout();
    ok( status == STATUS_SUCCESS, "synchronous request failed: %#lx\n", status );
    if (!status)
    {
        ok( MSG_TYPE( &reply ) == LPC_REPLY, "reply type %#x\n", reply.h.u2.s2.Type );
        check_data( &reply, "bye" );
        check_token( &attrs, server ? &server_report : NULL );
    }
    client_close( port );
}

/* the next message: a report of the client's, of this type; its token attribute matches */
#define expect_token_msg(s, m, a, t, g) expect_token_msg_(__FILE__, __LINE__, s, m, a, t, g)
static BOOL expect_token_msg_( const char *file, int line, struct session *s, alpc_msg *msg, recv_attrs *attrs,
                               int type, const char *tag )
{
    if (!expect_msg_( file, line, s->port, msg, attrs, type, wait_time() )) return FALSE;
    check_token_( file, line, attrs, check_report_( file, line, msg, tag ));
    return TRUE;
}

static void test_token( BOOL process )
{
    struct report report, process_report;
    recv_attrs attrs;
    struct session s;
    NTSTATUS status;
    alpc_msg msg;

    memset( &process_report, 0, sizeof(process_report) );
    if (!session_start( &s, "token", process )) goto done;

    if (!expect_token_msg( &s, &msg, &attrs, LPC_REQUEST, "token-process" )) goto done;
    memcpy( &process_report, msg.data, sizeof(process_report) );
    reply_msg( s.comm, &msg, "ok" );
    /* datagrams carry it too */
    if (!expect_token_msg( &s, &msg, &attrs, LPC_DATAGRAM, "token-datagram" )) goto done;

    if (!expect_token_msg( &s, &msg, &attrs, LPC_REQUEST, "token-thread" )) goto done;
    ok( !luid_eq( ((struct report *)msg.data)->token_id, process_report.token_id ),
        "the thread's token has the process token's TokenId\n" );
    reply_msg( s.comm, &msg, "ok" );
    if (!expect_token_msg( &s, &msg, &attrs, LPC_REQUEST, "token-process" )) goto done;
    reply_msg( s.comm, &msg, "ok" );

    /* ours to the client; a datagram, sent after the reply its sync request waits for */
    if (get_report( &report, "token-server" ))
    {
        set_report_msg( &msg, &report );
        status = send_msg( s.comm, ALPC_MSGFLG_RELEASE_MESSAGE, &msg, NULL );
        ok( status == STATUS_SUCCESS, "datagram to the client failed: %#lx\n", status );
    }

    if (!expect_request( s.port, &msg, &attrs, "token-bye" )) goto done;
    reply_msg( s.comm, &msg, "bye" );
    expect_closed( s.port );
done:
    session_end( &s );
}

static void client_sid( const char *name )
{
    HANDLE port;

    if (!(port = client_connect( name, 0 ))) return;
    sync_report( port, "sid-request", NULL, "ok" );
    sync_report( port, "sid-request-2", NULL, "ok" );
    sync_request( port, "sid-bye", NULL, "bye" );
    client_close( port );
}

/* the sender's SID of msg, received on port: the reporter's (CS) */
#define check_sid(p, m, t) check_sid_(__FILE__, __LINE__, p, m, t)
static void check_sid_( const char *file, int line, HANDLE port, alpc_msg *msg, const char *tag )
{
    const struct report *report = check_report_( file, line, msg, tag );
    ULONG_PTR buffer[(SECURITY_MAX_SID_SIZE + 16) / sizeof(ULONG_PTR)];
    TEST_PORT_MESSAGE other;
    HANDLE unrelated = NULL;
    NTSTATUS status;
    ULONG ret;

    if (!report) return;
    memset( buffer, 0xcc, sizeof(buffer) );
    ret = 0xdeadbeef;
    status = pNtAlpcQueryInformationMessage( port, &msg->h, AlpcMessageSidInformation, buffer, sizeof(buffer), &ret );
    ok_(file, line)( status == STATUS_SUCCESS, "NtAlpcQueryInformationMessage(AlpcMessageSidInformation) failed: %#lx\n",
                     status );
    if (!status)
    {
        ok_(file, line)( ret == report->sid_len, "ReturnLength %lu, expected %lu\n", ret, report->sid_len );
        ok_(file, line)( IsValidSid( buffer ) && EqualSid( buffer, (PSID)report->sid ), "not the sender's SID\n" );
    }

    /* guess: the usual way of saying how large a buffer must be */
    memset( buffer, 0xcc, sizeof(buffer) );
    ret = 0xdeadbeef;
    status = pNtAlpcQueryInformationMessage( port, &msg->h, AlpcMessageSidInformation, buffer, 8, &ret );
    ok_(file, line)( status == STATUS_BUFFER_TOO_SMALL, "a buffer of 8 bytes: %#lx\n", status );
    ok_(file, line)( ret == report->sid_len, "ReturnLength %lu, expected %lu\n", ret, report->sid_len );

    /* guess: no buffer at all, the same */
    ret = 0xdeadbeef;
    status = pNtAlpcQueryInformationMessage( port, &msg->h, AlpcMessageSidInformation, NULL, 0, &ret );
    ok_(file, line)( status == STATUS_BUFFER_TOO_SMALL, "no buffer: %#lx\n", status );
    ok_(file, line)( ret == report->sid_len, "ReturnLength %lu, expected %lu\n", ret, report->sid_len );

    /* a port handle that is none */
    ret = 0xdeadbeef;
    status = pNtAlpcQueryInformationMessage( BOGUS_HANDLE, &msg->h, AlpcMessageSidInformation, buffer,
                                             sizeof(buffer), &ret );
    ok_(file, line)( status == STATUS_INVALID_HANDLE, "bogus port: %#lx\n", status );
    /* guess: any failure through a port that has nothing to do with the message */
    if (!pNtAlpcCreatePort( &unrelated, NULL, NULL ))
    {
        ret = 0xdeadbeef;
        status = pNtAlpcQueryInformationMessage( unrelated, &msg->h, AlpcMessageSidInformation, buffer,
                                                 sizeof(buffer), &ret );
        ok_(file, line)( !NT_SUCCESS( status ), "through an unrelated port: %#lx\n", status );
        NtClose( unrelated );
    }
    else ok_(file, line)( 0, "NtAlpcCreatePort(NULL, NULL) failed\n" );

    /* guess: any failure for a MessageId never received */
    other = msg->h;
    other.MessageId += 0x100000;
    ret = 0xdeadbeef;
    status = pNtAlpcQueryInformationMessage( port, &other, AlpcMessageSidInformation, buffer, sizeof(buffer), &ret );
    ok_(file, line)( !NT_SUCCESS( status ), "MessageId %#lx: %#lx\n", other.MessageId, status );
}

static void test_sid( BOOL process )
{
    ULONG_PTR buffer[(SECURITY_MAX_SID_SIZE + 16) / sizeof(ULONG_PTR)];
    recv_attrs attrs;
    struct session s;
    NTSTATUS status;
    alpc_msg msg;
    ULONG ret;

    if (!session_start( &s, "sid", process )) goto done;

    /* asked while the request waits for its reply, on the port that received it */
    if (!expect_msg( s.port, &msg, &attrs, LPC_REQUEST )) goto done;
    check_sid( s.port, &msg, "sid-request" );
    reply_msg( s.comm, &msg, "ok" );
    /* guess: once replied to, the message is gone */
    ret = 0xdeadbeef;
    status = pNtAlpcQueryInformationMessage( s.port, &msg.h, AlpcMessageSidInformation, buffer, sizeof(buffer), &ret );
    ok( !NT_SUCCESS( status ), "after the reply: %#lx\n", status );

    if (!expect_msg( s.port, &msg, &attrs, LPC_REQUEST )) goto done;
    check_sid( s.port, &msg, "sid-request-2" );
    reply_msg( s.comm, &msg, "ok" );

    if (!expect_request( s.port, &msg, &attrs, "sid-bye" )) goto done;
    reply_msg( s.comm, &msg, "bye" );
    expect_closed( s.port );
done:
    session_end( &s );
}


/***********************************************************************
 * 4. The direct attribute: the sender's event, set once the message is received
 */

static void client_direct( const char *name )
{
    HANDLE port, checked, seen, auto_event = NULL, manual_event = NULL, semaphore = NULL;
    direct_attrs dattrs;
    LARGE_INTEGER timeout;
    NTSTATUS status;
    alpc_msg msg;
    SIZE_T len;

    if (!(port = client_connect( name, 0 ))) return;
    checked = open_event( name, "checked" );
    seen = open_event( name, "seen" );
    if (!checked || !seen) goto done;

    /* a datagram with an auto-reset event */
    auto_event = CreateEventA( NULL, FALSE, FALSE, NULL );
    ok( auto_event != NULL, "CreateEvent failed: %lu\n", GetLastError() );
    set_msg( &msg, "direct-datagram" );
    status = send_msg( port, ALPC_MSGFLG_RELEASE_MESSAGE, &msg, init_direct_attrs( &dattrs, auto_event ));
    ok( status == STATUS_SUCCESS, "datagram with a direct attribute failed: %#lx\n", status );
    /* not before the server receives it */
    ok( WaitForSingleObject( auto_event, 0 ) == WAIT_TIMEOUT, "event set before the message was received\n" );
    SetEvent( checked );
    if (!status && wait_event( auto_event, CLIENT_WAIT, "the datagram's event" ))
    {
        /* the wait took the auto-reset event's one signal */
        ok( WaitForSingleObject( auto_event, 0 ) == WAIT_TIMEOUT, "event set twice\n" );
    }

    /* an asynchronous request with a manual-reset event: set at receipt, not at the reply */
    manual_event = CreateEventA( NULL, TRUE, FALSE, NULL );
    ok( manual_event != NULL, "CreateEvent failed: %lu\n", GetLastError() );
    set_msg( &msg, "direct-request" );
    status = send_msg( port, 0, &msg, init_direct_attrs( &dattrs, manual_event ));
    ok( status == STATUS_SUCCESS, "request with a direct attribute failed: %#lx\n", status );
    ok( WaitForSingleObject( manual_event, 0 ) == WAIT_TIMEOUT, "event set before the message was received\n" );
    SetEvent( checked );
    if (!status && wait_event( manual_event, CLIENT_WAIT, "the request's event" ))
        ok( WaitForSingleObject( manual_event, 0 ) == WAIT_OBJECT_0, "manual-reset event reset\n" );
    SetEvent( seen );
    if (!status)
    {
        /* the server replies once it knows we have seen the event */
        len = sizeof(msg);
        memset( &msg, 0xcc, sizeof(msg) );
        status = pNtAlpcSendWaitReceivePort( port, 0, NULL, NULL, &msg.h, &len, NULL,
                                             relative_timeout( &timeout, CLIENT_WAIT ));
        if (status == STATUS_TIMEOUT) note_timeout();
        ok( status == STATUS_SUCCESS, "waiting for the reply: %#lx\n", status );
        if (!status)
        {
            ok( MSG_TYPE( &msg ) == LPC_REPLY, "type %#x\n", msg.h.u2.s2.Type );
            check_data( &msg, "direct-reply" );
        }
    }

    /* guess: any failure for an event that is no handle, or no event */
    send_datagram( port, "direct-bogus", init_direct_attrs( &dattrs, BOGUS_HANDLE ), FALSE );
    semaphore = CreateSemaphoreA( NULL, 0, 1, NULL );
    ok( semaphore != NULL, "CreateSemaphore failed: %lu\n", GetLastError() );
    send_datagram( port, "direct-semaphore", init_direct_attrs( &dattrs, semaphore ), FALSE );
    ok( WaitForSingleObject( semaphore, 0 ) == WAIT_TIMEOUT, "semaphore released\n" );

    sync_request( port, "direct-bye", NULL, "bye" );
done:
    close_handle( &auto_event );
    close_handle( &manual_event );
    close_handle( &semaphore );
    close_handle( &checked );
    close_handle( &seen );
    client_close( port );
}

static void test_direct( BOOL process )
{
    recv_attrs attrs;
    struct session s;
    alpc_msg msg;

    if (!session_start( &s, "direct", process )) goto done;

    /* the message is received only once the client has seen its event unset */
    if (!wait_event( s.checked, 2 * wait_time(), "the client's check" )) goto done;
    if (!expect_msg( s.port, &msg, &attrs, LPC_DATAGRAM )) goto done;
    check_data( &msg, "direct-datagram" );

    if (!wait_event( s.checked, 2 * wait_time(), "the client's check" )) goto done;
    if (!expect_request( s.port, &msg, &attrs, "direct-request" )) goto done;
    wait_event( s.seen, 2 * wait_time(), "the client seeing its event" );
    reply_msg( s.comm, &msg, "direct-reply" );

    if (!expect_request( s.port, &msg, &attrs, "direct-bye" )) goto done;
    reply_msg( s.comm, &msg, "bye" );
    expect_closed( s.port );
done:
    session_end( &s );
}


/***********************************************************************
 * 5. The work-on-behalf attribute: the ticket travels
 */

static void client_wob( const char *name )
{
    wob_attrs wattrs;
    NTSTATUS status;
    HANDLE port;
    alpc_msg msg;

    if (!(port = client_connect( name, 0 ))) return;
    set_msg( &msg, "wob-datagram" );
    status = send_msg( port, ALPC_MSGFLG_RELEASE_MESSAGE, &msg, init_wob_attrs( &wattrs, WOB_THREAD, WOB_TIME ));
    ok( status == STATUS_SUCCESS, "datagram with a work-on-behalf attribute failed: %#lx\n", status );
    sync_request( port, "wob-request", init_wob_attrs( &wattrs, WOB_THREAD2, WOB_TIME2 ), "ok" );
    sync_request( port, "wob-bye", NULL, "bye" );
    client_close( port );
}

static void test_wob( BOOL process )
{
    recv_attrs attrs;
    struct session s;
    alpc_msg msg;

    if (!session_start( &s, "wob", process )) goto done;

    if (!expect_msg( s.port, &msg, &attrs, LPC_DATAGRAM )) goto done;
    check_data( &msg, "wob-datagram" );
    check_wob( &attrs, WOB_THREAD, WOB_TIME );
    if (!expect_request( s.port, &msg, &attrs, "wob-request" )) goto done;
    check_wob( &attrs, WOB_THREAD2, WOB_TIME2 );
    reply_msg( s.comm, &msg, "ok" );

    if (!expect_request( s.port, &msg, &attrs, "wob-bye" )) goto done;
    reply_msg( s.comm, &msg, "bye" );
    expect_closed( s.port );
done:
    session_end( &s );
}


/***********************************************************************
 * 6. Information: NtAlpcConnectPortEx, resource reserves, the server a
 *    thread waits for, the sender token's ModifiedId
 */

/* NtAlpcConnectPortEx (REF 8.2: the connection port is named by OBJECT_ATTRIBUTES,
 * RootDirectory allowed), synchronous, with a timeout; the status, port in *port */
static NTSTATUS connect_ex( HANDLE *port, HANDLE root, const char *name )
{
    ALPC_PORT_ATTRIBUTES attrs;
    OBJECT_ATTRIBUTES conn_attr;
    LARGE_INTEGER timeout;
    UNICODE_STRING str;
    WCHAR buffer[MAX_PATH];
    NTSTATUS status;

    init_unicode( &str, buffer, name );
    InitializeObjectAttributes( &conn_attr, &str, OBJ_CASE_INSENSITIVE, root, NULL );
    init_port_attrs( &attrs, 0 );
    *port = NULL;
    status = pNtAlpcConnectPortEx( port, &conn_attr, NULL, &attrs, ALPC_SYNC_CONNECTION, NULL, NULL, NULL, NULL,
                                   NULL, relative_timeout( &timeout, CLIENT_WAIT ));
    if (status == STATUS_TIMEOUT) note_timeout();
    return status;
}

/* Resource reserves on a connected port (REF 8.2: a message of MessageSize
 * set aside; the limits and statuses are guesses) */
static void check_reserves( HANDLE port )
{
    ALPC_HANDLE reserve, reserve2, big;
    NTSTATUS status;

    /* guess: any size up to the port's MaxMessageLength, a new nonzero handle each */
    reserve = NULL;
    status = pNtAlpcCreateResourceReserve( port, 0, 0x100, &reserve );
    ok( status == STATUS_SUCCESS, "NtAlpcCreateResourceReserve(0x100) failed: %#lx\n", status );
    ok( reserve != NULL, "no reserve handle\n" );
    reserve2 = NULL;
    status = pNtAlpcCreateResourceReserve( port, 0, MAX_MESSAGE_LENGTH, &reserve2 );
    ok( status == STATUS_SUCCESS, "NtAlpcCreateResourceReserve(MaxMessageLength) failed: %#lx\n", status );
    ok( reserve2 != NULL, "no reserve handle\n" );
    ok( !reserve || reserve != reserve2, "the same handle %p twice\n", reserve );

    /* guess: any failure above the port's MaxMessageLength (still below the 0xffff limit, REF 4.2) */
    big = NULL;
    status = pNtAlpcCreateResourceReserve( port, 0, 2 * MAX_MESSAGE_LENGTH, &big );
    ok( !NT_SUCCESS( status ), "NtAlpcCreateResourceReserve(2 * MaxMessageLength): %#lx\n", status );
    if (NT_SUCCESS( status ) && big) pNtAlpcDeleteResourceReserve( port, 0, big );

    /* guess: deleted once, then it is gone */
    if (reserve)
    {
        status = pNtAlpcDeleteResourceReserve( port, 0, reserve );
        ok( status == STATUS_SUCCESS, "NtAlpcDeleteResourceReserve failed: %#lx\n", status );
        status = pNtAlpcDeleteResourceReserve( port, 0, reserve );
        ok( !NT_SUCCESS( status ), "NtAlpcDeleteResourceReserve again: %#lx\n", status );
    }
    if (reserve2)
    {
        status = pNtAlpcDeleteResourceReserve( port, 0, reserve2 );
        ok( status == STATUS_SUCCESS, "NtAlpcDeleteResourceReserve failed: %#lx\n", status );
    }
    /* guess: any failure for a reserve that is none */
    status = pNtAlpcDeleteResourceReserve( port, 0, BOGUS_HANDLE );
    ok( !NT_SUCCESS( status ), "NtAlpcDeleteResourceReserve(bogus): %#lx\n", status );
    /* a port handle that is none */
    reserve = NULL;
    status = pNtAlpcCreateResourceReserve( BOGUS_HANDLE, 0, 0x100, &reserve );
    ok( status == STATUS_INVALID_HANDLE, "NtAlpcCreateResourceReserve(bogus port): %#lx\n", status );
}

static void client_info( const char *name )
{
    HANDLE dir = NULL, port = NULL, port2 = NULL, other, checked, seen;
    OBJECT_ATTRIBUTES attr;
    UNICODE_STRING str;
    WCHAR buffer[MAX_PATH];
    char missing[MAX_PATH];
    NTSTATUS status;
    BOOL ret;

    checked = open_event( name, "checked" );
    seen = open_event( name, "seen" );

    init_unicode( &str, buffer, rpc_dir );
    InitializeObjectAttributes( &attr, &str, OBJ_CASE_INSENSITIVE, NULL, NULL );
    status = NtOpenDirectoryObject( &dir, DIRECTORY_TRAVERSE | DIRECTORY_QUERY, &attr );
    ok( status == STATUS_SUCCESS, "NtOpenDirectoryObject(%s) failed: %#lx\n", rpc_dir, status );

    /* REF 8.2: the port's name relative to a directory, as NtAlpcConnectPort does */
    if (dir)
    {
        status = connect_ex( &port, dir, leaf( name ));
        ok( status == STATUS_SUCCESS, "NtAlpcConnectPortEx(relative %s) failed: %#lx\n", leaf( name ), status );
        ok( status || port != NULL, "no port handle\n" );
    }
    /* the server waits for a first connection either way */
    if (!port && !(port = client_connect( name, 0 ))) goto done;
    sync_request( port, "info-relative", NULL, "ok" );

    /* REF 8.2: the full name, no directory */
    status = connect_ex( &port2, NULL, name );
    ok( status == STATUS_SUCCESS, "NtAlpcConnectPortEx(%s) failed: %#lx\n", name, status );
    ok( status || port2 != NULL, "no port handle\n" );
    if (!port2) port2 = client_connect( name, 0 );
    if (port2)
    {
        sync_request( port2, "info-full", NULL, "ok" );
        client_close( port2 );
    }

    /* REF 8.2: a name that is none; the server sees no connection */
    if (dir)
    {
        sprintf( missing, "%s-missing", leaf( name ));
        other = NULL;
        status = connect_ex( &other, dir, missing );
        ok( status == STATUS_OBJECT_NAME_NOT_FOUND, "NtAlpcConnectPortEx(relative %s): %#lx\n", missing, status );
        if (other) NtClose( other );
    }

    check_reserves( port );

    /* blocked in this request while the server asks which server we wait for */
    sync_request( port, "info-blocked", NULL, "ok" );
    /* and blocked on no port while it asks once more */
    if (checked && seen)
    {
        SetEvent( checked );
        wait_event( seen, CLIENT_WAIT, "the server's second look" );
    }

    /* the ModifiedId of the process's token, then of an impersonation
     * token whose privileges changed */
    sync_report( port, "info-token", NULL, "ok" );
    ret = ImpersonateSelf( SecurityImpersonation );
    ok( ret, "ImpersonateSelf failed: %lu\n", GetLastError() );
    if (ret) enable_shutdown();
    sync_report( port, ret ? "info-token-thread" : "info-token", NULL, "ok" );
    if (ret) ok( RevertToSelf(), "RevertToSelf failed: %lu\n", GetLastError() );

    sync_request( port, "info-bye", NULL, "bye" );
done:
    if (port) client_close( port );
    close_handle( &dir );
    close_handle( &checked );
    close_handle( &seen );
}

/* NtAlpcQueryInformation(AlpcServerInformation) on a thread (REF 7.6: In
 * ThreadHandle; Out ThreadBlocked, ConnectedProcessId, ConnectionPortName;
 * the port handle may be NULL) */
#define check_server_info(p, t, b, n) check_server_info_(__FILE__, __LINE__, p, t, b, n)
static void check_server_info_( const char *file, int line, HANDLE port, HANDLE thread, BOOL blocked,
                                const char *name )
{
    ULONG_PTR buffer[0x400 / sizeof(ULONG_PTR)];
    ALPC_SERVER_INFORMATION *info = (ALPC_SERVER_INFORMATION *)buffer;
    UNICODE_STRING expect;
    WCHAR name_buffer[MAX_PATH];
    const char *start = (const char *)buffer, *end = start + sizeof(buffer), *str;
    NTSTATUS status;
    ULONG ret;

    memset( buffer, 0xcc, sizeof(buffer) );
    info->In.ThreadHandle = thread;
    ret = 0xdeadbeef;
    status = pNtAlpcQueryInformation( port, AlpcServerInformation, buffer, sizeof(buffer), &ret );
    ok_(file, line)( status == STATUS_SUCCESS, "NtAlpcQueryInformation(%p, AlpcServerInformation) failed: %#lx\n",
                     port, status );
    if (status) return;
    ok_(file, line)( info->Out.ThreadBlocked == blocked, "ThreadBlocked %u, expected %u\n",
                     info->Out.ThreadBlocked, blocked );
    if (!blocked || !info->Out.ThreadBlocked) return;
    ok_(file, line)( info->Out.ConnectedProcessId == ULongToHandle( GetCurrentProcessId() ),
                     "ConnectedProcessId %p, expected %04lx\n", info->Out.ConnectedProcessId,
                     GetCurrentProcessId() );
    /* guess: the name is stored in the output buffer, after the structure */
    str = (const char *)info->Out.ConnectionPortName.Buffer;
    ok_(file, line)( str >= start && str + info->Out.ConnectionPortName.Length <= end,
                     "name at %p, %u bytes, not in the buffer %p-%p\n", str, info->Out.ConnectionPortName.Length,
                     start, end );
    if (str < start || str + info->Out.ConnectionPortName.Length > end) return;
    init_unicode( &expect, name_buffer, name );
    ok_(file, line)( RtlEqualUnicodeString( &info->Out.ConnectionPortName, &expect, TRUE ),
                     "ConnectionPortName %s, expected %s\n",
                     wine_dbgstr_wn( info->Out.ConnectionPortName.Buffer,
                                     info->Out.ConnectionPortName.Length / sizeof(WCHAR) ), name );
}

/* a length too small for the structure (REF 7.6: an ALPC_SERVER_INFORMATION
 * at the start; the status is the usual one for a fixed-size class) */
static void check_server_info_len( HANDLE thread )
{
    ULONG_PTR buffer[0x400 / sizeof(ULONG_PTR)];
    ALPC_SERVER_INFORMATION *info = (ALPC_SERVER_INFORMATION *)buffer;
    NTSTATUS status;
    ULONG ret;

    memset( buffer, 0xcc, sizeof(buffer) );
    info->In.ThreadHandle = thread;
    ret = 0xdeadbeef;
    status = pNtAlpcQueryInformation( NULL, AlpcServerInformation, buffer, sizeof(ALPC_SERVER_INFORMATION) - 1, &ret );
    ok( status == STATUS_INFO_LENGTH_MISMATCH, "length %u: %#lx\n",
        (unsigned int)sizeof(ALPC_SERVER_INFORMATION) - 1, status );
    status = pNtAlpcQueryInformation( NULL, AlpcServerInformation, buffer, 0, &ret );
    ok( status == STATUS_INFO_LENGTH_MISMATCH, "length 0: %#lx\n", status );

    /* guess: any failure for a thread handle that is none */
    memset( buffer, 0xcc, sizeof(buffer) );
    info->In.ThreadHandle = BOGUS_HANDLE;
    status = pNtAlpcQueryInformation( NULL, AlpcServerInformation, buffer, sizeof(buffer), &ret );
    ok( !NT_SUCCESS( status ), "a bogus thread handle: %#lx\n", status );
}

/* NtAlpcQueryInformationMessage(AlpcMessageTokenModifiedIdInformation) on
 * a request (REF 7.6: a LUID): the ModifiedId the sender reports */
#define check_modified_id(p, m, t) check_modified_id_(__FILE__, __LINE__, p, m, t)
static void check_modified_id_( const char *file, int line, HANDLE port, alpc_msg *msg, const char *tag )
{
    const struct report *report = check_report_( file, line, msg, tag );
    NTSTATUS status;
    LUID luid[2];
    ULONG ret;

    if (!report) return;
    memset( luid, 0xcc, sizeof(luid) );
    ret = 0xdeadbeef;
    status = pNtAlpcQueryInformationMessage( port, &msg->h, AlpcMessageTokenModifiedIdInformation, luid,
                                             sizeof(LUID), &ret );
    ok_(file, line)( status == STATUS_SUCCESS,
                     "NtAlpcQueryInformationMessage(AlpcMessageTokenModifiedIdInformation) failed: %#lx\n", status );
    if (!status)
    {
        ok_(file, line)( luid_eq( luid[0], report->modified_id ), "ModifiedId %08lx:%08lx, expected %08lx:%08lx\n",
                         luid[0].HighPart, luid[0].LowPart, report->modified_id.HighPart,
                         report->modified_id.LowPart );
        /* guess: the size of a LUID */
        ok_(file, line)( ret == sizeof(LUID), "ReturnLength %lu\n", ret );
    }

    /* guess: the usual status for a fixed-size class */
    status = pNtAlpcQueryInformationMessage( port, &msg->h, AlpcMessageTokenModifiedIdInformation, luid,
                                             sizeof(LUID) - 1, &ret );
    ok_(file, line)( status == STATUS_INFO_LENGTH_MISMATCH, "length %u: %#lx\n",
                     (unsigned int)sizeof(LUID) - 1, status );
}

static void test_info( BOOL process )
{
    HANDLE comm2 = NULL, thread = NULL, self = NULL;
    struct report process_report;
    recv_attrs attrs;
    struct session s;
    NTSTATUS status;
    alpc_msg msg;

    memset( &process_report, 0, sizeof(process_report) );
    /* the server's port in \RPC Control, whose name the client gives relative to it */
    if (!session_start_dir( &s, rpc_dir, "info", process )) goto done;

    if (!expect_request( s.port, &msg, &attrs, "info-relative" )) goto done;
    ok( msg.h.ClientId.UniqueProcess == ULongToHandle( s.client.pid ), "sender process %p, expected %04lx\n",
        msg.h.ClientId.UniqueProcess, s.client.pid );
    reply_msg( s.comm, &msg, "ok" );

    /* the client's second connection, by the full name */
    if (!expect_msg( s.port, &msg, &attrs, LPC_CONNECTION_REQUEST )) goto done;
    ok( msg.h.ClientId.UniqueProcess == ULongToHandle( s.client.pid ), "connecting process %p, expected %04lx\n",
        msg.h.ClientId.UniqueProcess, s.client.pid );
    status = pNtAlpcAcceptConnectPort( &comm2, s.port, 0, NULL, NULL, NULL, &msg.h, NULL, TRUE );
    ok( status == STATUS_SUCCESS, "NtAlpcAcceptConnectPort failed: %#lx\n", status );
    if (status) goto done;
    if (!expect_request( s.port, &msg, &attrs, "info-full" )) goto done;
    reply_msg( comm2, &msg, "ok" );
    expect_closed( s.port );

    /* the connection to a name that is none never comes; the client's thread waits for this reply */
    if (!expect_request( s.port, &msg, &attrs, "info-blocked" )) goto done;
    thread = OpenThread( THREAD_QUERY_LIMITED_INFORMATION, FALSE, HandleToULong( msg.h.ClientId.UniqueThread ));
    ok( thread != NULL, "OpenThread(%04lx) failed: %lu\n", HandleToULong( msg.h.ClientId.UniqueThread ),
        GetLastError() );
    if (thread)
    {
        /* REF 7.6: NtApiDotNet asks without a port; guess: any port handle does too */
        check_server_info( NULL, thread, TRUE, s.name );
        check_server_info( s.port, thread, TRUE, s.name );
        check_server_info( s.comm, thread, TRUE, s.name );
        check_server_info_len( thread );
    }
    /* guess: a thread that waits for no port, this one */
    self = OpenThread( THREAD_QUERY_LIMITED_INFORMATION, FALSE, GetCurrentThreadId() );
    ok( self != NULL, "OpenThread(self) failed: %lu\n", GetLastError() );
    if (self) check_server_info( NULL, self, FALSE, s.name );
    reply_msg( s.comm, &msg, "ok" );

    /* guess: once replied to, the client's thread waits for no port (it waits for an event) */
    if (wait_event( s.checked, 2 * wait_time(), "the client's check" ) && thread)
        check_server_info( NULL, thread, FALSE, s.name );
    SetEvent( s.seen );

    if (!expect_msg( s.port, &msg, &attrs, LPC_REQUEST )) goto done;
    check_modified_id( s.port, &msg, "info-token" );
    memcpy( &process_report, msg.data, sizeof(process_report) );
    reply_msg( s.comm, &msg, "ok" );
    if (!expect_msg( s.port, &msg, &attrs, LPC_REQUEST )) goto done;
    check_modified_id( s.port, &msg, "info-token-thread" );
    /* the privilege enabled made the thread's token another ModifiedId */
    ok( !luid_eq( ((struct report *)msg.data)->modified_id, process_report.modified_id ),
        "the thread's token has the process token's ModifiedId\n" );
    reply_msg( s.comm, &msg, "ok" );

    if (!expect_request( s.port, &msg, &attrs, "info-bye" )) goto done;
    reply_msg( s.comm, &msg, "bye" );
    expect_closed( s.port );
done:
    close_handle( &thread );
    close_handle( &self );
    if (comm2) NtClose( comm2 );
    session_end( &s );
}


/***********************************************************************
 * 7. After all of the above, a plain connection still works
 */

static void client_ping( const char *name )
{
    HANDLE port;

    if (!(port = client_connect( name, 0 ))) return;
    sync_request( port, "ping", NULL, "pong" );
    client_close( port );
}

static void test_still_works( BOOL process )
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


/***********************************************************************
 * Test driver
 */

static const struct client_scenario client_scenarios[] =
{
    { "contexts", client_contexts },
    { "token", client_token },
    { "sid", client_sid },
    { "direct", client_direct },
    { "wob", client_wob },
    { "info", client_info },
    { "ping", client_ping },
};

static void run_client( const char *scenario, const char *port )
{
    run_client_scenario( client_scenarios, ARRAY_SIZE(client_scenarios), scenario, port );
}

START_TEST(alpc_sec)
{
    int argc = winetest_get_mainargs( &test_argv ), process;

    if (!init_functions()) return;

    if (argc >= 5 && !strcmp( test_argv[2], "client" ))
    {
        is_child = TRUE;
        start_watchdog( 60000 );
        run_client( test_argv[3], test_argv[4] );
        return;
    }

    /* the harness allows 180 s */
    start_watchdog( 150000 );

#define RUN(call) do { if (!too_many_timeouts()) call; } while (0)
    /* the client in a thread of this process, then in a child process */
    for (process = 0; process < 2; process++)
    {
        winetest_push_context( process ? "process" : "thread" );
        RUN( test_contexts( process ) );
        RUN( test_token( process ) );
        RUN( test_sid( process ) );
        RUN( test_direct( process ) );
        RUN( test_wob( process ) );
        RUN( test_info( process ) );
        RUN( test_still_works( process ) );
        winetest_pop_context();
    }
#undef RUN
}
