/*
 * ALPC message information: the direct and work-on-behalf attributes,
 * NtAlpcConnectPortEx, resource reserves and information classes, across
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
#define PORT_TEST_PROGRAM "alpc_info"
#define PORT_TEST_PREFIX "alpc-info"
#include "port_test.h"
#include "alpc_sec_test.h"

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
 * Test driver
 */

static const struct client_scenario client_scenarios[] =
{
    { "direct", client_direct },
    { "wob", client_wob },
    { "info", client_info },
    { "ping", client_ping },
};

static void run_client( const char *scenario, const char *port )
{
    run_client_scenario( client_scenarios, ARRAY_SIZE(client_scenarios), scenario, port );
}

START_TEST(alpc_info)
{
    int argc = winetest_get_mainargs( &test_argv ), process;

    if (!init_functions() || run_child( argc, NULL )) return;

#define RUN(call) do { if (!too_many_timeouts()) call; } while (0)

    /* the client in a thread of this process, then in a child process */
    for (process = 0; process < 2; process++)
    {
        winetest_push_context( process ? "process" : "thread" );
        RUN( test_direct( process ) );
        RUN( test_wob( process ) );
        RUN( test_info( process ) );
        RUN( test_still_works( process ) );
        winetest_pop_context();
    }
#undef RUN
}
