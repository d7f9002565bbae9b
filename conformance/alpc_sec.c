/*
 * ALPC security: security contexts and impersonation, the token attribute
 * and the sender's SID, across threads and across processes
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
#include "alpc_sec_test.h"

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
    if (running_in_child)
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
 * Test driver
 */

static const struct client_scenario client_scenarios[] =
{
    { "contexts", client_contexts },
    { "token", client_token },
    { "sid", client_sid },
    { "ping", client_ping },
};

static void run_client( const char *scenario, const char *port )
{
    run_client_scenario( client_scenarios, ARRAY_SIZE(client_scenarios), scenario, port );
}

START_TEST(alpc_sec)
{
    int argc = winetest_get_mainargs( &test_argv ), process;

    if (!init_functions() || run_child( argc, NULL )) return;

#define RUN(call) do { if (!too_many_timeouts()) call; } while (0)

    /* the client in a thread of this process, then in a child process */
    for (process = 0; process < 2; process++)
    {
        winetest_push_context( process ? "process" : "thread" );
        RUN( test_contexts( process ) );
        RUN( test_token( process ) );
        RUN( test_sid( process ) );
        RUN( test_still_works( process ) );
        winetest_pop_context();
    }
#undef RUN
}
