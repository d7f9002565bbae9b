/*
 * ALPC ports: creation, connection, messages, lengths, senders and
 * impersonation, across threads and across processes
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
#define PORT_TEST_PROGRAM "alpc"
#define PORT_TEST_PREFIX "alpc"
#define PORT_TEST_CHECK_START
#include "port_test.h"
#include "alpc_test.h"

/*
 * The ALPC programs alpc.c (ports, connections, messages), alpc_close.c
 * (disconnection, cancel, death) and alpc_interop.c (legacy LPC, concurrent
 * clients, bad input, waiting threads) share alpc_test.h.
 */

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
    status = try_connect( name, (PSID)&local_system, NULL, CLIENT_WAIT, &port );
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

    /* request-3: replies that match nothing (the rule; guess for the status) */
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

    /* one byte more (the rule; guess for the status) */
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
     * stays queued (the rule; the reference lists both as unknown) */
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
 * Test driver
 */

static const struct client_scenario client_scenarios[] =
{
    { "connect", client_connect_script },
    { "basic", client_basic },
    { "zeroed", client_zeroed },
    { "lengths", client_lengths },
    { "impersonate", client_impersonate },
};

static void run_client( const char *scenario, const char *port )
{
    run_client_scenario( client_scenarios, ARRAY_SIZE(client_scenarios), scenario, port );
}

START_TEST(alpc)
{
    int argc = winetest_get_mainargs( &test_argv ), process;

    if (!init_functions() || run_child( argc, NULL )) return;

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
        winetest_pop_context();
    }
#undef RUN
}
