/*
 * Legacy LPC ports: death and closing of clients and servers, bad input, and
 * port handles duplicated and inherited, across threads and across processes
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
#define PORT_TEST_PROGRAM "lpc_close"
#define PORT_TEST_PREFIX "lpcc"
#define PORT_TEST_CHECK_START
#include "port_test.h"
#include "lpc_test.h"

/*
 * The legacy LPC programs lpc.c (ports, connections, messages, information)
 * and lpc_close.c (death and closing, bad input, handles) share lpc_test.h;
 * lpc_views.c tests views, request data, impersonation and callbacks.
 */

/* a server in a child process ("lpc_close server SCENARIO PORTNAME"), to be killed */
static void run_server( const char *scenario, const char *port );

/***********************************************************************
 * 5. Death and closing
 */

/* the thread that connected and registered the port exits */
static HANDLE died_port;

static DWORD WINAPI died_worker( void *arg )
{
    const char *name = arg;
    NTSTATUS status;
    lpc_msg msg;

    if (!(died_port = client_connect( name, NULL, NULL ))) return 1;
    status = pNtRegisterThreadTerminatePort( died_port );
    ok( status == STATUS_SUCCESS, "NtRegisterThreadTerminatePort failed: %#lx\n", status );
    set_msg( &msg, "registered" );
    status = pNtRequestPort( died_port, &msg.h );
    ok( status == STATUS_SUCCESS, "NtRequestPort failed: %#lx\n", status );
    return 0;
}

static void client_died( const char *name )
{
    HANDLE thread, go;
    NTSTATUS status;

    /* in a thread client the server closes the port itself */
    if (!running_in_child)
    {
        died_worker( (void *)name );
        return;
    }
    thread = CreateThread( NULL, 0, died_worker, (void *)name, 0, NULL );
    ok( thread != NULL, "CreateThread failed: %lu\n", GetLastError() );
    ok( WaitForSingleObject( thread, 10000 ) == WAIT_OBJECT_0, "worker thread did not end\n" );
    CloseHandle( thread );
    if (!died_port) return;
    go = open_event( name, "go" );
    ok( WaitForSingleObject( go, 10000 ) == WAIT_OBJECT_0, "server did not say go\n" );
    CloseHandle( go );
    status = NtClose( died_port );
    ok( status == STATUS_SUCCESS, "NtClose failed: %#lx\n", status );
}

static void test_thread_died( BOOL process )
{
    FILETIME create, exit_time, kernel, user;
    struct session s;
    LARGE_INTEGER *time;
    lpc_msg msg;
    void *context;
    DWORD tid;

    died_port = NULL;
    if (!session_start( &s, "died", process, FALSE )) goto done;
    /* in a child the worker thread connects, not the main thread */
    if (process) s.client.tid = 0;
    if (!session_accept( &s, NULL, NULL )) goto done;
    if (!expect_msg( s.port, &context, &msg, LPC_DATAGRAM )) goto done;
    check_data( &msg, "registered" );
    tid = HandleToULong( msg.h.ClientId.UniqueThread );

    if (!expect_msg( s.port, &context, &msg, LPC_CLIENT_DIED )) goto done;
    ok( msg.h.u2.s2.Type == LPC_CLIENT_DIED, "type %#x\n", msg.h.u2.s2.Type );
    /* the data is the thread's creation time (phnt's LPC_CLIENT_DIED_MSG); guess: the sender is that thread */
    ok( msg.h.u1.s1.DataLength == sizeof(LARGE_INTEGER), "DataLength %d\n", msg.h.u1.s1.DataLength );
    ok( msg.h.u1.s1.TotalLength == HDR_SIZE + sizeof(LARGE_INTEGER), "TotalLength %d\n", msg.h.u1.s1.TotalLength );
    check_sender( &msg.h, s.client.pid, tid );
    /* guess: the notice comes with the connection's port context */
    ok( context == s.context, "port context %p\n", context );
    time = (LARGE_INTEGER *)msg.data;
    if (!process && GetThreadTimes( s.client.handle, &create, &exit_time, &kernel, &user ))
        ok( time->u.LowPart == create.dwLowDateTime && time->u.HighPart == create.dwHighDateTime,
            "create time %#lx%08lx, expected %#lx%08lx\n", time->u.HighPart, time->u.LowPart,
            create.dwHighDateTime, create.dwLowDateTime );
    else ok( time->QuadPart != 0, "no create time\n" );

    /* the port is still open: closing it is the next notice */
    if (process) SetEvent( s.go );
    else
    {
        finish_client( &s.client );
        ok( NtClose( died_port ) == STATUS_SUCCESS, "NtClose failed\n" );
    }
    if (!expect_msg( s.port, &context, &msg, LPC_PORT_CLOSED )) goto done;
done:
    session_end( &s );
}

/* a client that is killed: connected and idle, or waiting for a reply */
static HANDLE killed_port;

static void client_killed( const char *name, BOOL pending )
{
    NTSTATUS status;
    lpc_msg msg, reply;

    if (!(killed_port = client_connect( name, NULL, NULL ))) return;
    /* a thread client cannot close its process: it dies registered */
    if (!running_in_child)
    {
        status = pNtRegisterThreadTerminatePort( killed_port );
        ok( status == STATUS_SUCCESS, "NtRegisterThreadTerminatePort failed: %#lx\n", status );
    }
    set_msg( &msg, "alive" );
    status = pNtRequestPort( killed_port, &msg.h );
    ok( status == STATUS_SUCCESS, "NtRequestPort failed: %#lx\n", status );
    if (pending)
    {
        set_msg( &msg, "pending" );
        status = pNtRequestWaitReplyPort( killed_port, &msg.h, &reply.h );
        ok( 0, "NtRequestWaitReplyPort returned %#lx\n", status );
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

static void test_client_killed( BOOL process, BOOL pending )
{
    struct session s;
    NTSTATUS status;
    lpc_msg msg, reply;
    void *context;
    int type;

    killed_port = NULL;
    if (!session_start( &s, pending ? "killed-pending" : "killed", process, FALSE )) goto done;
    if (!session_accept( &s, NULL, NULL )) goto done;
    if (!expect_msg( s.port, &context, &msg, LPC_DATAGRAM )) goto done;
    check_data( &msg, "alive" );
    if (pending)
    {
        if (!expect_msg( s.port, &context, &msg, LPC_REQUEST )) goto done;
        check_data( &msg, "pending" );
    }
    kill_client( &s.client );

    if (pending)
    {
        /* guess: the request died with its sender */
        make_reply( &reply, &msg, "too late" );
        status = pNtReplyPort( s.comm, &reply.h );
        ok( status == STATUS_REPLY_MESSAGE_MISMATCH || status == STATUS_PORT_DISCONNECTED,
            "NtReplyPort to a dead client: %#lx\n", status );
    }

    if (process)
    {
        /* the killed process's port closes; LPC_CLIENT_DIED would do too */
        status = receive_msg( s.port, &context, &msg, wait_time() );
        ok( status == STATUS_SUCCESS, "no notice of the client's death: %#lx\n", status );
        type = msg.h.u2.s2.Type & 0xff;
        ok( status || type == LPC_PORT_CLOSED || type == LPC_CLIENT_DIED, "type %#x\n", msg.h.u2.s2.Type );
        ok( status || context == s.context, "port context %p\n", context );
    }
    else
    {
        /* guess: a thread ended by TerminateThread notifies its termination
         * ports like one that returns; its port stays open */
        if (!expect_msg( s.port, &context, &msg, LPC_CLIENT_DIED )) goto done;
        ok( context == s.context, "port context %p\n", context );
        ok( NtClose( killed_port ) == STATUS_SUCCESS, "NtClose failed\n" );
        if (!expect_msg( s.port, &context, &msg, LPC_PORT_CLOSED )) goto done;
    }
done:
    session_end( &s );
}

/* the client dies while it waits in NtConnectPort */
static void client_connect_killed( const char *name )
{
    HANDLE port = client_connect( name, NULL, NULL );
    ok( 0, "NtConnectPort returned, port %p\n", port );
}

static void test_client_killed_before_accept( BOOL process )
{
    struct session s;
    NTSTATUS status;
    HANDLE comm;
    lpc_msg msg;
    void *context;

    if (!session_start( &s, "connect-killed", process, FALSE )) goto done;
    if (!expect_msg( s.port, &context, &msg, LPC_CONNECTION_REQUEST )) goto done;
    kill_client( &s.client );

    /* guess: the request went with the client, whether accept notices it at
     * once or the connection breaks right after */
    comm = NULL;
    status = pNtAcceptConnectPort( &comm, s.context, &msg.h, TRUE, NULL, NULL );
    ok( status == STATUS_REPLY_MESSAGE_MISMATCH || status == STATUS_PORT_DISCONNECTED || status == STATUS_SUCCESS,
        "NtAcceptConnectPort: %#lx\n", status );
    if (!status)
    {
        int type;

        pNtCompleteConnectPort( comm );
        status = receive_msg( s.port, &context, &msg, wait_time() );
        ok( status == STATUS_SUCCESS, "no notice of the client's death: %#lx\n", status );
        type = msg.h.u2.s2.Type & 0xff;
        ok( status || type == LPC_PORT_CLOSED || type == LPC_CLIENT_DIED, "type %#x\n", msg.h.u2.s2.Type );
        NtClose( comm );
    }
done:
    session_end( &s );
}

/* the server goes away while the client waits for a reply */
static void client_server_gone( const char *name )
{
    HANDLE port;
    NTSTATUS status;
    lpc_msg msg, reply;

    if (!(port = client_connect( name, NULL, NULL ))) return;
    set_msg( &msg, "blocked" );
    status = pNtRequestWaitReplyPort( port, &msg.h, &reply.h );
    /* guess: STATUS_PORT_DISCONNECTED, as ALPC gives (STATUS_LPC_REPLY_LOST would
     * be the other candidate) */
    ok( status == STATUS_PORT_DISCONNECTED, "NtRequestWaitReplyPort: %#lx\n", status );

    /* and everything after it */
    set_msg( &msg, "after" );
    status = pNtRequestPort( port, &msg.h );
    ok( status == STATUS_PORT_DISCONNECTED, "NtRequestPort: %#lx\n", status );
    status = pNtRequestWaitReplyPort( port, &msg.h, &reply.h );
    ok( status == STATUS_PORT_DISCONNECTED, "NtRequestWaitReplyPort: %#lx\n", status );
    status = NtClose( port );
    ok( status == STATUS_SUCCESS, "NtClose failed: %#lx\n", status );
}

static void test_server_closed( BOOL process )
{
    struct session s;
    lpc_msg msg;
    void *context;

    if (!session_start( &s, "server-gone", process, FALSE )) goto done;
    if (!session_accept( &s, NULL, NULL )) goto done;
    if (!expect_msg( s.port, &context, &msg, LPC_REQUEST )) goto done;
    check_data( &msg, "blocked" );
    ok( NtClose( s.comm ) == STATUS_SUCCESS, "NtClose failed\n" );
    ok( NtClose( s.port ) == STATUS_SUCCESS, "NtClose failed\n" );
    s.comm = s.port = NULL;
done:
    session_end( &s );
}

/* servers in a child process, killed at some point */
static void run_server( const char *scenario, const char *name )
{
    HANDLE port, comm = NULL, ready, got;
    NTSTATUS status;
    lpc_msg msg;

    ready = open_event( name, "ready" );
    got = open_event( name, "got" );
    ok( ready && got, "events not found\n" );
    if (!(port = create_port( name, FALSE, MAX_INFO_LENGTH, MAX_MESSAGE_LENGTH ))) return;
    SetEvent( ready );

    status = receive_msg( port, NULL, &msg, 10000 );
    ok( status == STATUS_SUCCESS && msg.h.u2.s2.Type == LPC_CONNECTION_REQUEST, "%#lx, type %#x\n", status,
        status ? 0 : msg.h.u2.s2.Type );
    if (!strcmp( scenario, "pending" ))
    {
        status = pNtAcceptConnectPort( &comm, NULL, &msg.h, TRUE, NULL, NULL );
        ok( status == STATUS_SUCCESS, "NtAcceptConnectPort failed: %#lx\n", status );
        status = pNtCompleteConnectPort( comm );
        ok( status == STATUS_SUCCESS, "NtCompleteConnectPort failed: %#lx\n", status );
        status = receive_msg( port, NULL, &msg, 10000 );
        ok( status == STATUS_SUCCESS && msg.h.u2.s2.Type == LPC_REQUEST, "%#lx, type %#x\n", status,
            status ? 0 : msg.h.u2.s2.Type );
    }
    SetEvent( got );
    Sleep( 20000 );
    ok( 0, "server was not killed\n" );
}

/* waits for an event a child server sets; fails at once when the child ends first */
#define wait_child_event(e, p, w) wait_child_event_(__FILE__, __LINE__, e, p, w)
static BOOL wait_child_event_( const char *file, int line, HANDLE event, HANDLE process, const char *what )
{
    HANDLE handles[2] = { event, process };
    DWORD ret = WaitForMultipleObjects( 2, handles, FALSE, wait_time() );

    ok_(file, line)( ret == WAIT_OBJECT_0, "%s: %s\n", what,
                     ret == WAIT_OBJECT_0 + 1 ? "the server process ended" : "timed out" );
    if (ret == WAIT_TIMEOUT) note_timeout();
    return ret == WAIT_OBJECT_0;
}

/* the server dies before it accepts: the client's NtConnectPort fails */
static void test_server_gone_before_accept( BOOL process )
{
    PROCESS_INFORMATION pi;
    struct connect_call call;
    char name[MAX_PATH];
    HANDLE port = NULL, ready, got, thread;
    lpc_msg msg;

    make_name( name, bno_dir, "server-killed" );
    ready = create_event( name, "ready" );
    got = create_event( name, "got" );
    memset( &pi, 0, sizeof(pi) );
    memset( &call, 0, sizeof(call) );
    call.status = 0xdeadbeef;
    if (process)
    {
        if (!start_child( "server", "before-accept", name, FALSE, &pi )) goto done;
        CloseHandle( pi.hThread );
        if (!wait_child_event( ready, pi.hProcess, "server start" )) goto done;
    }
    else if (!(port = create_port( name, FALSE, MAX_INFO_LENGTH, MAX_MESSAGE_LENGTH ))) goto done;

    thread = start_connect( &call, name );
    if (process) wait_child_event( got, pi.hProcess, "connection request" );
    else expect_msg( port, NULL, &msg, LPC_CONNECTION_REQUEST );
    if (process)
    {
        TerminateProcess( pi.hProcess, 0x77 );
        ok( !WaitForSingleObject( pi.hProcess, wait_time() ), "server did not die\n" );
    }
    else
    {
        NtClose( port );
        port = NULL;
    }
    /* guess: pending connections fail with STATUS_PORT_CONNECTION_REFUSED (or
     * could with STATUS_OBJECT_NAME_NOT_FOUND) */
    if (wait_thread( thread, wait_time() ))
        ok( call.status == STATUS_PORT_CONNECTION_REFUSED, "NtConnectPort: %#lx\n", call.status );
    if (!call.status) NtClose( call.port );

    /* the name went with the port */
    thread = start_connect( &call, name );
    if (wait_thread( thread, wait_time() ))
        ok( call.status == STATUS_OBJECT_NAME_NOT_FOUND, "NtConnectPort after the server died: %#lx\n", call.status );
    if (!call.status) NtClose( call.port );
done:
    if (pi.hProcess)
    {
        TerminateProcess( pi.hProcess, 0x77 );
        CloseHandle( pi.hProcess );
    }
    if (port) NtClose( port );
    CloseHandle( ready );
    CloseHandle( got );
}

/* the server process is killed while a client thread waits for a reply */
static void test_server_killed_pending(void)
{
    PROCESS_INFORMATION pi;
    struct client client;
    char name[MAX_PATH];
    HANDLE ready, got;

    make_name( name, bno_dir, "server-killed-pending" );
    ready = create_event( name, "ready" );
    got = create_event( name, "got" );
    if (!start_child( "server", "pending", name, FALSE, &pi )) goto done;
    CloseHandle( pi.hThread );
    if (wait_child_event( ready, pi.hProcess, "server start" ) &&
        start_client( &client, FALSE, "server-gone", name ))
    {
        wait_child_event( got, pi.hProcess, "request" );
        TerminateProcess( pi.hProcess, 0x77 );
        ok( !WaitForSingleObject( pi.hProcess, wait_time() ), "server did not die\n" );
        finish_client( &client );
    }
    TerminateProcess( pi.hProcess, 0x77 );
    CloseHandle( pi.hProcess );
done:
    CloseHandle( ready );
    CloseHandle( got );
}


/***********************************************************************
 * 6. Bad input
 */

/* every call that takes a port handle, with a handle that is not a port's */
#define check_bad_handle(h, e) check_bad_handle_(__FILE__, __LINE__, h, e)
static void check_bad_handle_( const char *file, int line, HANDLE handle, NTSTATUS expect )
{
    LARGE_INTEGER timeout;
    lpc_msg msg, reply;
    char buffer[64];
    NTSTATUS status;
    ULONG len;

    set_msg( &msg, "bad handle" );
    status = pNtRequestPort( handle, &msg.h );
    ok_(file, line)( status == expect, "NtRequestPort: %#lx\n", status );
    status = pNtRequestWaitReplyPort( handle, &msg.h, &reply.h );
    ok_(file, line)( status == expect, "NtRequestWaitReplyPort: %#lx\n", status );
    msg.h.ClientId.UniqueProcess = ULongToHandle( GetCurrentProcessId() );
    msg.h.ClientId.UniqueThread = ULongToHandle( GetCurrentThreadId() );
    msg.h.MessageId = 1;
    status = pNtReplyPort( handle, &msg.h );
    ok_(file, line)( status == expect, "NtReplyPort: %#lx\n", status );
    status = pNtReplyWaitReceivePortEx( handle, NULL, NULL, &reply.h, relative_timeout( &timeout, 0 ));
    ok_(file, line)( status == expect, "NtReplyWaitReceivePortEx: %#lx\n", status );
    status = pNtListenPort( handle, &reply.h );
    ok_(file, line)( status == expect, "NtListenPort: %#lx\n", status );
    status = pNtCompleteConnectPort( handle );
    ok_(file, line)( status == expect, "NtCompleteConnectPort: %#lx\n", status );
    status = pNtRegisterThreadTerminatePort( handle );
    ok_(file, line)( status == expect, "NtRegisterThreadTerminatePort: %#lx\n", status );
    status = pNtQueryInformationPort( handle, 0, buffer, sizeof(buffer), &len );
    ok_(file, line)( status == expect, "NtQueryInformationPort: %#lx\n", status );
}

/* check_bad_handle() blocks when a bad handle is taken for a port: bounded in a thread */
struct bad_handle_call
{
    HANDLE   handle;
    NTSTATUS expect;
};

static DWORD WINAPI bad_handle_proc( void *arg )
{
    struct bad_handle_call *call = arg;
    check_bad_handle( call->handle, call->expect );
    return 0;
}

static void check_bad_handle_in_thread( HANDLE handle, NTSTATUS expect )
{
    struct bad_handle_call call = { handle, expect };
    HANDLE thread = CreateThread( NULL, 0, bad_handle_proc, &call, 0, NULL );

    ok( thread != NULL, "CreateThread failed: %lu\n", GetLastError() );
    wait_thread( thread, wait_time() );
}

/* The client side of bad input.  Pointers to unreadable memory give
 * STATUS_ACCESS_VIOLATION, as the probe of a system call on Windows does;
 * an explicit NULL check would give STATUS_INVALID_PARAMETER instead, which
 * nothing public shows for these calls.  Memory at bad_ptr is reserved and
 * aligned, so no alignment check can come first. */
static void client_bad( const char *name )
{
    SECURITY_QUALITY_OF_SERVICE qos;
    OBJECT_ATTRIBUTES attr;
    UNICODE_STRING str, bad_str;
    WCHAR buffer[MAX_PATH];
    char other[MAX_PATH], info[16] = "info";
    LARGE_INTEGER timeout;
    ULONG len, max_len;
    HANDLE port, handle, event;
    NTSTATUS status;
    lpc_msg msg, reply;

    if (!(port = client_connect( name, NULL, NULL ))) return;

    /* messages that cannot be read or written */
    status = pNtRequestPort( port, NULL );
    ok( is_null_status( status ), "NtRequestPort(NULL): %#lx\n", status );
    status = pNtRequestPort( port, bad_ptr );
    ok( status == STATUS_ACCESS_VIOLATION, "NtRequestPort(bad): %#lx\n", status );
    status = pNtRequestWaitReplyPort( port, NULL, &reply.h );
    ok( is_null_status( status ), "NtRequestWaitReplyPort(NULL request): %#lx\n", status );
    status = pNtRequestWaitReplyPort( port, bad_ptr, &reply.h );
    ok( status == STATUS_ACCESS_VIOLATION, "NtRequestWaitReplyPort(bad request): %#lx\n", status );
    set_msg( &msg, "no reply buffer" );
    status = pNtRequestWaitReplyPort( port, &msg.h, NULL );
    ok( is_null_status( status ), "NtRequestWaitReplyPort(NULL reply): %#lx\n", status );
    status = pNtRequestWaitReplyPort( port, &msg.h, bad_ptr );
    ok( status == STATUS_ACCESS_VIOLATION, "NtRequestWaitReplyPort(bad reply): %#lx\n", status );
    status = pNtReplyWaitReceivePortEx( port, NULL, NULL, NULL, relative_timeout( &timeout, 0 ));
    ok( is_null_status( status ), "NtReplyWaitReceivePortEx(NULL): %#lx\n", status );
    status = pNtReplyPort( port, NULL );
    ok( is_null_status( status ), "NtReplyPort(NULL): %#lx\n", status );
    status = pNtReplyPort( port, bad_ptr );
    ok( status == STATUS_ACCESS_VIOLATION, "NtReplyPort(bad): %#lx\n", status );

    /* a reply the client never got a request for */
    set_msg( &msg, "unasked reply" );
    msg.h.ClientId.UniqueProcess = ULongToHandle( GetCurrentProcessId() );
    msg.h.ClientId.UniqueThread = ULongToHandle( GetCurrentThreadId() );
    msg.h.MessageId = 1;
    status = pNtReplyPort( port, &msg.h );
    ok( status == STATUS_REPLY_MESSAGE_MISMATCH, "NtReplyPort(unasked): %#lx\n", status );

    /* guess: a client port is not a communication port a server can complete */
    status = pNtCompleteConnectPort( port );
    ok( status == STATUS_INVALID_PORT_HANDLE, "NtCompleteConnectPort(client port): %#lx\n", status );

    check_bad_lengths( port );

    /* handles that are not ports */
    check_bad_handle( BOGUS_HANDLE, STATUS_INVALID_HANDLE );
    event = CreateEventA( NULL, TRUE, FALSE, NULL );
    check_bad_handle( event, STATUS_OBJECT_TYPE_MISMATCH );

    /* bad arguments to NtConnectPort, on a port that exists */
    init_qos( &qos );
    init_unicode( &str, buffer, name );
    status = pNtConnectPort( NULL, &str, &qos, NULL, NULL, NULL, NULL, NULL );
    ok( is_null_status( status ), "NtConnectPort(NULL handle): %#lx\n", status );
    status = pNtConnectPort( bad_ptr, &str, &qos, NULL, NULL, NULL, NULL, NULL );
    ok( status == STATUS_ACCESS_VIOLATION, "NtConnectPort(bad handle pointer): %#lx\n", status );
    status = pNtConnectPort( &handle, NULL, &qos, NULL, NULL, NULL, NULL, NULL );
    ok( is_null_status( status ), "NtConnectPort(NULL name): %#lx\n", status );
    bad_str = str;
    bad_str.Buffer = bad_ptr;
    status = pNtConnectPort( &handle, &bad_str, &qos, NULL, NULL, NULL, NULL, NULL );
    ok( status == STATUS_ACCESS_VIOLATION, "NtConnectPort(bad name): %#lx\n", status );
    status = pNtConnectPort( &handle, &str, bad_ptr, NULL, NULL, NULL, NULL, NULL );
    ok( status == STATUS_ACCESS_VIOLATION, "NtConnectPort(bad qos): %#lx\n", status );
    status = pNtConnectPort( &handle, &str, &qos, NULL, NULL, bad_ptr, NULL, NULL );
    ok( status == STATUS_ACCESS_VIOLATION, "NtConnectPort(bad max length): %#lx\n", status );
    len = 16;
    status = pNtConnectPort( &handle, &str, &qos, NULL, NULL, &max_len, (void *)1, &len );
    ok( status == STATUS_ACCESS_VIOLATION, "NtConnectPort(bad information): %#lx\n", status );
    status = pNtConnectPort( &handle, &str, &qos, NULL, NULL, &max_len, info, bad_ptr );
    ok( status == STATUS_ACCESS_VIOLATION, "NtConnectPort(bad information length): %#lx\n", status );

    /* names that are not ports */
    sprintf( other, "%s-missing", name );
    init_unicode( &str, buffer, other );
    status = pNtConnectPort( &handle, &str, &qos, NULL, NULL, NULL, NULL, NULL );
    ok( status == STATUS_OBJECT_NAME_NOT_FOUND, "NtConnectPort(%s): %#lx\n", other, status );
    sprintf( other, "%s-nodir\\port", name );
    init_unicode( &str, buffer, other );
    status = pNtConnectPort( &handle, &str, &qos, NULL, NULL, NULL, NULL, NULL );
    ok( status == STATUS_OBJECT_PATH_NOT_FOUND, "NtConnectPort(%s): %#lx\n", other, status );
    CloseHandle( event );

    /* the name is found, but it is not a port's (Wine om.c test: opening an object by the
     * name of one of another type fails with STATUS_OBJECT_TYPE_MISMATCH) */
    sprintf( other, "%s-event", name );
    init_attr( &attr, &str, buffer, other );
    status = NtCreateEvent( &event, EVENT_ALL_ACCESS, &attr, NotificationEvent, FALSE );
    ok( status == STATUS_SUCCESS, "NtCreateEvent(%s) failed: %#lx\n", other, status );
    status = pNtConnectPort( &handle, &str, &qos, NULL, NULL, NULL, NULL, NULL );
    ok( status == STATUS_OBJECT_TYPE_MISMATCH, "NtConnectPort(%s): %#lx\n", other, status );
    NtClose( event );

    /* nothing of the above reached the server: this is the next message */
    set_msg( &msg, "bad-done" );
    status = pNtRequestPort( port, &msg.h );
    ok( status == STATUS_SUCCESS, "NtRequestPort failed: %#lx\n", status );
    status = NtClose( port );
    ok( status == STATUS_SUCCESS, "NtClose failed: %#lx\n", status );
}

static void test_bad_input_client( BOOL process )
{
    struct session s;
    lpc_msg msg;
    void *context;

    int i;

    if (!session_start( &s, "bad", process, FALSE )) goto done;
    if (!session_accept( &s, NULL, NULL )) goto done;
    /* nothing the client did wrong reaches the server */
    for (i = 0; i < 8; i++)
    {
        if (!expect_msg( s.port, &context, &msg, LPC_DATAGRAM )) goto done;
        if (msg.h.u1.s1.DataLength == sizeof("bad-done") && !strcmp( msg.data, "bad-done" )) break;
        ok( 0, "unexpected datagram %s\n", wine_dbgstr_an( msg.data, min( max( msg.h.u1.s1.DataLength, 0 ), 32 )));
    }
    if (!expect_msg( s.port, &context, &msg, LPC_PORT_CLOSED )) goto done;
done:
    session_end( &s );
}

/* the server side of bad input, in this process */
static void test_bad_input_server(void)
{
    char name[MAX_PATH], storage[sizeof(lpc_msg) + 16];
    struct receive_call call;
    UNICODE_STRING str, bad_str;
    OBJECT_ATTRIBUTES attr;
    WCHAR buffer[MAX_PATH];
    LARGE_INTEGER timeout;
    lpc_msg msg, reply, *odd;
    struct pair p;
    HANDLE port, event, thread;
    NTSTATUS status;
    void *context;

    /* NtCreatePort: see client_bad() for the status of unreadable memory */
    make_name( name, bno_dir, "bad-create" );
    init_attr( &attr, &str, buffer, name );
    status = pNtCreatePort( NULL, &attr, MAX_INFO_LENGTH, MAX_MESSAGE_LENGTH, 0 );
    ok( is_null_status( status ), "NtCreatePort(NULL): %#lx\n", status );
    status = pNtCreateWaitablePort( NULL, &attr, MAX_INFO_LENGTH, MAX_MESSAGE_LENGTH, 0 );
    ok( is_null_status( status ), "NtCreateWaitablePort(NULL): %#lx\n", status );
    status = pNtCreatePort( bad_ptr, &attr, MAX_INFO_LENGTH, MAX_MESSAGE_LENGTH, 0 );
    ok( status == STATUS_ACCESS_VIOLATION, "NtCreatePort(bad handle pointer): %#lx\n", status );
    status = pNtCreatePort( &port, bad_ptr, MAX_INFO_LENGTH, MAX_MESSAGE_LENGTH, 0 );
    ok( status == STATUS_ACCESS_VIOLATION, "NtCreatePort(bad attributes): %#lx\n", status );
    if (!status) NtClose( port );
    bad_str = str;
    bad_str.Buffer = bad_ptr;
    attr.ObjectName = &bad_str;
    status = pNtCreatePort( &port, &attr, MAX_INFO_LENGTH, MAX_MESSAGE_LENGTH, 0 );
    ok( status == STATUS_ACCESS_VIOLATION, "NtCreatePort(bad name): %#lx\n", status );
    if (!status) NtClose( port );
    check_in_directory( bno_dir, leaf( name ), FALSE );

    /* An unaligned handle pointer: stored, or refused for its alignment
     * (guess: a probe's alignment check gives STATUS_DATATYPE_MISALIGNMENT) */
    status = pNtCreatePort( (HANDLE *)(storage + 1), NULL, MAX_INFO_LENGTH, MAX_MESSAGE_LENGTH, 0 );
    ok( status == STATUS_SUCCESS || status == STATUS_DATATYPE_MISALIGNMENT, "NtCreatePort(unaligned): %#lx\n", status );
    if (!status)
    {
        memcpy( &port, storage + 1, sizeof(port) );
        check_port_type( port );
        NtClose( port );
    }

    if (!make_pair( &p, "bad-server" )) return;

    /* NtAcceptConnectPort with nothing to accept and bad pointers */
    memset( &msg, 0, sizeof(msg) );
    msg.h.u1.s1.TotalLength = HDR_SIZE;
    msg.h.ClientId.UniqueProcess = ULongToHandle( GetCurrentProcessId() );
    msg.h.ClientId.UniqueThread = ULongToHandle( GetCurrentThreadId() );
    msg.h.MessageId = 1;
    status = pNtAcceptConnectPort( NULL, NULL, &msg.h, TRUE, NULL, NULL );
    ok( is_null_status( status ), "NtAcceptConnectPort(NULL handle): %#lx\n", status );
    status = pNtAcceptConnectPort( &port, NULL, NULL, TRUE, NULL, NULL );
    ok( is_null_status( status ), "NtAcceptConnectPort(NULL message): %#lx\n", status );
    status = pNtAcceptConnectPort( &port, NULL, bad_ptr, TRUE, NULL, NULL );
    ok( status == STATUS_ACCESS_VIOLATION, "NtAcceptConnectPort(bad message): %#lx\n", status );
    /* guess: a request that no client waits for is a mismatch */
    status = pNtAcceptConnectPort( &port, NULL, &msg.h, TRUE, NULL, NULL );
    ok( status == STATUS_REPLY_MESSAGE_MISMATCH, "NtAcceptConnectPort(nothing pending): %#lx\n", status );
    if (!status) NtClose( port );

    /* NtCompleteConnectPort on the wrong ports (guess) */
    status = pNtCompleteConnectPort( p.server );
    ok( status == STATUS_INVALID_PORT_HANDLE, "NtCompleteConnectPort(connection port): %#lx\n", status );
    status = pNtCompleteConnectPort( p.comm );
    ok( status == STATUS_INVALID_PARAMETER, "NtCompleteConnectPort(completed port): %#lx\n", status );

    /* receive and reply buffers that cannot be used.  A message is waiting
     * each time, so a receive that only writes when it has something fails
     * too; whether a refused receive loses the message is not known. */
    set_msg( &msg, "queued" );
    pNtRequestPort( p.client, &msg.h );
    status = pNtReplyWaitReceivePortEx( p.server, NULL, NULL, NULL, relative_timeout( &timeout, 0 ));
    ok( is_null_status( status ), "NtReplyWaitReceivePortEx(NULL): %#lx\n", status );
    set_msg( &msg, "queued" );
    pNtRequestPort( p.client, &msg.h );
    status = pNtReplyWaitReceivePortEx( p.server, NULL, NULL, bad_ptr, relative_timeout( &timeout, 0 ));
    ok( status == STATUS_ACCESS_VIOLATION, "NtReplyWaitReceivePortEx(bad message): %#lx\n", status );
    set_msg( &msg, "queued" );
    pNtRequestPort( p.client, &msg.h );
    status = pNtReplyWaitReceivePortEx( p.server, bad_ptr, NULL, &msg.h, relative_timeout( &timeout, 0 ));
    ok( status == STATUS_ACCESS_VIOLATION, "NtReplyWaitReceivePortEx(bad context): %#lx\n", status );
    set_msg( &msg, "queued" );
    pNtRequestPort( p.client, &msg.h );
    status = pNtReplyWaitReceivePortEx( p.server, NULL, bad_ptr, &msg.h, relative_timeout( &timeout, 0 ));
    ok( status == STATUS_ACCESS_VIOLATION, "NtReplyWaitReceivePortEx(bad reply): %#lx\n", status );
    set_msg( &msg, "queued" );
    pNtRequestPort( p.client, &msg.h );
    status = pNtReplyWaitReceivePortEx( p.server, NULL, NULL, &msg.h, bad_ptr );
    ok( status == STATUS_ACCESS_VIOLATION, "NtReplyWaitReceivePortEx(bad timeout): %#lx\n", status );
    status = pNtReplyPort( p.server, NULL );
    ok( is_null_status( status ), "NtReplyPort(NULL): %#lx\n", status );
    status = pNtReplyPort( p.comm, bad_ptr );
    ok( status == STATUS_ACCESS_VIOLATION, "NtReplyPort(bad): %#lx\n", status );
    drain( p.server );

    /* guess: NtListenPort checks its buffer before it waits */
    thread = start_receive( &call, p.server, TRUE, NULL, TRUE );
    if (wait_thread( thread, wait_time() ))
        ok( is_null_status( call.status ), "NtListenPort(NULL): %#lx\n", call.status );

    /* an unaligned message: refused for its alignment (as above), or delivered intact */
    odd = (lpc_msg *)(storage + 1);
    set_msg( &reply, "unaligned" );
    memcpy( odd, &reply, msg_size( &reply ));
    status = pNtRequestPort( p.client, &odd->h );
    ok( status == STATUS_SUCCESS || status == STATUS_DATATYPE_MISALIGNMENT, "NtRequestPort(unaligned): %#lx\n", status );
    if (!status && expect_msg( p.server, &context, &msg, LPC_DATAGRAM )) check_data( &msg, "unaligned" );
    status = pNtRequestPort( p.client, &reply.h );
    ok( status == STATUS_SUCCESS, "NtRequestPort failed: %#lx\n", status );
    memset( storage, 0xcc, sizeof(storage) );
    status = pNtReplyWaitReceivePortEx( p.server, NULL, NULL, &odd->h, relative_timeout( &timeout, wait_time() ));
    ok( status == STATUS_SUCCESS || status == STATUS_DATATYPE_MISALIGNMENT,
        "NtReplyWaitReceivePortEx(unaligned): %#lx\n", status );
    if (!status)
    {
        memcpy( &msg, odd, sizeof(msg.h) + 16 );
        check_data( &msg, "unaligned" );
    }

    /* and handles of other kinds, on the server's calls */
    event = CreateEventA( NULL, TRUE, FALSE, NULL );
    check_bad_handle_in_thread( event, STATUS_OBJECT_TYPE_MISMATCH );
    CloseHandle( event );
    check_bad_handle_in_thread( BOGUS_HANDLE, STATUS_INVALID_HANDLE );
    close_pair( &p );
}


/***********************************************************************
 * 7. Handles: duplicated into another process, inherited by a child
 */

static HANDLE share_handle_value( const char *port_name, ULONG_PTR **value )
{
    char name[MAX_PATH];
    HANDLE mapping;

    sprintf( name, "%s-handle", leaf( port_name ));
    mapping = CreateFileMappingA( INVALID_HANDLE_VALUE, NULL, PAGE_READWRITE, 0, 0x1000, name );
    ok( mapping != NULL, "CreateFileMapping failed: %lu\n", GetLastError() );
    *value = mapping ? MapViewOfFile( mapping, FILE_MAP_WRITE, 0, 0, 0 ) : NULL;
    ok( *value != NULL, "MapViewOfFile failed: %lu\n", GetLastError() );
    return mapping;
}

static void client_handle( const char *name )
{
    char mapping_name[MAX_PATH];
    HANDLE mapping, go, port = NULL;
    ULONG_PTR *value;
    NTSTATUS status;
    lpc_msg msg;

    go = open_event( name, "go" );
    ok( WaitForSingleObject( go, 10000 ) == WAIT_OBJECT_0, "server did not say go\n" );
    CloseHandle( go );
    sprintf( mapping_name, "%s-handle", leaf( name ));
    mapping = OpenFileMappingA( FILE_MAP_READ, FALSE, mapping_name );
    ok( mapping != NULL, "OpenFileMapping failed: %lu\n", GetLastError() );
    if (!mapping) return;
    if ((value = MapViewOfFile( mapping, FILE_MAP_READ, 0, 0, 0 )))
    {
        port = (HANDLE)*value;
        UnmapViewOfFile( value );
    }
    CloseHandle( mapping );
    ok( port != NULL, "no handle\n" );
    if (!port) return;

    check_port_type( port );
    set_msg( &msg, "handle-datagram" );
    status = pNtRequestPort( port, &msg.h );
    ok( status == STATUS_SUCCESS, "NtRequestPort failed: %#lx\n", status );
    status = NtClose( port );
    ok( status == STATUS_SUCCESS, "NtClose failed: %#lx\n", status );
}

static void test_port_handles( BOOL process, BOOL inherit )
{
    struct client client;
    struct pair p;
    ULONG_PTR *value;
    HANDLE go, mapping, target, remote = NULL;
    NTSTATUS status;
    lpc_msg msg;
    void *context;

    if (!make_pair( &p, inherit ? "inherit" : "duplicate" )) return;
    go = create_event( p.name, "go" );
    mapping = share_handle_value( p.name, &value );
    if (!value) goto done;

    if (inherit)
    {
        ok( SetHandleInformation( p.client, HANDLE_FLAG_INHERIT, HANDLE_FLAG_INHERIT ),
            "SetHandleInformation failed: %lu\n", GetLastError() );
        *value = (ULONG_PTR)p.client;
        if (!start_client_ex( &client, TRUE, "handle", p.name, TRUE )) goto done;
        SetHandleInformation( p.client, HANDLE_FLAG_INHERIT, 0 );
    }
    else
    {
        if (!start_client( &client, process, "handle", p.name )) goto done;
        target = process ? client.handle : GetCurrentProcess();
        status = NtDuplicateObject( GetCurrentProcess(), p.client, target, &remote, 0, 0, DUPLICATE_SAME_ACCESS );
        ok( status == STATUS_SUCCESS, "NtDuplicateObject failed: %#lx\n", status );
        *value = (ULONG_PTR)remote;
    }
    SetEvent( go );

    /* the sender is the thread that sent, not the one that connected */
    if (expect_msg( p.server, &context, &msg, LPC_DATAGRAM ))
    {
        check_data( &msg, "handle-datagram" );
        check_sender( &msg.h, client.pid, client.tid );
        ok( context == p.context, "port context %p, expected %p\n", context, p.context );
    }
    finish_client( &client );

    /* one handle to the client port is left: it is not closed yet (guess: the
     * notice comes with the last handle) */
    expect_no_msg( p.server, 200 );
    ok( NtClose( p.client ) == STATUS_SUCCESS, "NtClose failed\n" );
    p.client = NULL;
    if (expect_msg( p.server, &context, &msg, LPC_PORT_CLOSED ))
        ok( context == p.context, "port context %p\n", context );
done:
    if (value) UnmapViewOfFile( value );
    if (mapping) CloseHandle( mapping );
    CloseHandle( go );
    close_pair( &p );
}


/***********************************************************************
 * Test driver
 */

static const struct client_scenario client_scenarios[] =
{
    { "died", client_died },
    { "killed", client_killed_idle },
    { "killed-pending", client_killed_pending },
    { "connect-killed", client_connect_killed },
    { "server-gone", client_server_gone },
    { "bad", client_bad },
    { "handle", client_handle },
};

static void run_client( const char *scenario, const char *port )
{
    run_client_scenario( client_scenarios, ARRAY_SIZE(client_scenarios), scenario, port );
}

START_TEST(lpc_close)
{
    int argc = winetest_get_mainargs( &test_argv ), process;

    if (!init_functions()) return;
    if (run_child( argc, run_server )) return;

#define RUN(call) do { if (!too_many_timeouts()) call; } while (0)
    RUN( test_bad_input_server() );

    /* the client in a thread of this process, then in a child process */
    for (process = 0; process < 2; process++)
    {
        winetest_push_context( process ? "process" : "thread" );
        RUN( test_thread_died( process ) );
        RUN( test_client_killed( process, FALSE ) );
        RUN( test_client_killed( process, TRUE ) );
        RUN( test_client_killed_before_accept( process ) );
        RUN( test_server_closed( process ) );
        RUN( test_server_gone_before_accept( process ) );
        RUN( test_bad_input_client( process ) );
        RUN( test_port_handles( process, FALSE ) );
        winetest_pop_context();
    }
    RUN( test_server_killed_pending() );
    RUN( test_port_handles( TRUE, TRUE ) );
#undef RUN
}
