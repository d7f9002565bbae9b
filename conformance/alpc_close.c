/*
 * ALPC ports: disconnection, closing, cancel and death of clients and
 * servers, across threads and across processes
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
#define PORT_TEST_PROGRAM "alpc_close"
#define PORT_TEST_PREFIX "alpc_close"
#define PORT_TEST_CHECK_START
#include "port_test.h"
#include "alpc_test.h"

/*
 * The ALPC programs alpc.c (ports, connections, messages), alpc_close.c
 * (disconnection, cancel, death) and alpc_interop.c (legacy LPC, concurrent
 * clients, bad input, waiting threads) share alpc_test.h.
 */

/* a server in a child process ("alpc_close server SCENARIO PORTNAME"), to be killed */
static void run_server( const char *scenario, const char *port );

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
    status = pNtAlpcQueryInformation( port, AlpcConnectedSIDInformation, (PSID)&local_system, sizeof(local_system), NULL );
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
    /* the rule; the reference lists the status as unknown */
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
 * Test driver
 */

static const struct client_scenario client_scenarios[] =
{
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
    { "ping", client_ping },
};

static void run_client( const char *scenario, const char *port )
{
    run_client_scenario( client_scenarios, ARRAY_SIZE(client_scenarios), scenario, port );
}

START_TEST(alpc_close)
{
    int argc = winetest_get_mainargs( &test_argv ), process;

    if (!init_functions() || run_child( argc, run_server )) return;

#define RUN(call) do { if (!too_many_timeouts()) call; } while (0)

    /* the client in a thread of this process, then in a child process */
    for (process = 0; process < 2; process++)
    {
        winetest_push_context( process ? "process" : "thread" );
        RUN( test_disconnect( process ) );
        RUN( test_cancel( process ) );
        RUN( test_cancel_pending( process ) );
        RUN( test_send_close( process ) );
        RUN( test_server_closed( process, FALSE ) );
        RUN( test_server_closed( process, TRUE ) );
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
#undef RUN
}
