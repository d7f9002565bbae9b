/*
 * Legacy LPC ports: creation, connection, messages and information, across
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
#include "lpc_test.h"

/*
 * The legacy LPC programs lpc.c (ports, connections, messages, information)
 * and lpc_close.c (death and closing, bad input, handles) share lpc_test.h;
 * lpc_views.c tests views, request data, impersonation and callbacks.
 */

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

    /* class 0 is phnt's PortBasicInformation (guess: accepted on any port, returning nothing useful) */
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
 * Test driver
 */

static const struct client_scenario client_scenarios[] =
{
    { "create", client_create },
    { "waitable", client_waitable },
    { "basic", client_basic },
    { "listen", client_listen },
    { "refuse", client_refuse },
};

static void run_client( const char *scenario, const char *port )
{
    run_client_scenario( client_scenarios, ARRAY_SIZE(client_scenarios), scenario, port );
}

START_TEST(lpc)
{
    int argc = winetest_get_mainargs( &test_argv ), process;

    if (!init_functions()) return;
    if (argc == 3 && !strcmp( test_argv[2], "portinfo" ))
        ExitProcess( pNtQueryPortInformationProcess() );
    if (run_child( argc, NULL )) return;

#define RUN(call) do { if (!too_many_timeouts()) call; } while (0)
    RUN( test_create_port() );
    RUN( test_port_limits() );
    RUN( test_query_information() );

    /* the client in a thread of this process, then in a child process */
    for (process = 0; process < 2; process++)
    {
        winetest_push_context( process ? "process" : "thread" );
        RUN( test_create_elsewhere( process ) );
        RUN( test_waitable_port( process ) );
        RUN( test_connect_and_messages( process ) );
        RUN( test_listen( process ) );
        RUN( test_refuse( process ) );
        winetest_pop_context();
    }
#undef RUN
}
