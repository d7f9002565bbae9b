/*
 * The smallest call sequences make fuzz-syscalls found that crashed,
 * hung or leaked in wineserver
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
 * Each scenario is what conformance/fuzz/reduce.py cut a failing fuzz_ports
 * run down to (the operations of one thread, by FUZZ_KEEP), written out by
 * hand.  A leak shows in the harness's check of wineserver's end, after the
 * last program; the checks here ask that each call returns what it must and
 * that wineserver goes on serving.  "fuzz_regress NAME" runs one scenario;
 * "fuzz_regress client SCENARIO PORTNAME" is the child process.
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
#define PORT_TEST_PROGRAM "fuzz_regress"
#define PORT_TEST_PREFIX "fuzzreg"
#include "port_test.h"

typedef struct
{
    TEST_PORT_MESSAGE h;
    char data[0x100];
} port_msg;

/* ntlpcapi.h declares the calls with Wine 8.0's 0x20-byte PORT_MESSAGE */
#define PM(msg) ((void *)&(msg)->h)

static void set_msg( port_msg *msg, const char *text )
{
    SHORT len = strlen( text ) + 1;

    memset( &msg->h, 0, sizeof(msg->h) );
    msg->h.u1.s1.DataLength = len;
    msg->h.u1.s1.TotalLength = HDR_SIZE + len;
    memcpy( msg->data, text, len );
}

static HANDLE create_port( const char *name )
{
    UNICODE_STRING str;
    OBJECT_ATTRIBUTES attr;
    WCHAR buffer[MAX_PATH];
    HANDLE port = NULL;
    NTSTATUS status;

    init_attr( &attr, &str, buffer, name );
    /* no port attributes, as the fuzzer passed them */
    status = NtAlpcCreatePort( &port, &attr, NULL );
    ok( status == STATUS_SUCCESS, "NtAlpcCreatePort(%s) failed: %#lx\n", name, status );
    return status ? NULL : port;
}

/* wineserver still creates and serves ports */
static void check_server_alive(void)
{
    char name[MAX_PATH];
    HANDLE port;

    make_name( name, bno_dir, "alive" );
    if ((port = create_port( name ))) NtClose( port );
}


/***********************************************************************
 * 1. A thread that waits for the answer to its own request on a port to
 *    which it already sent an unanswered request, when its process ends
 *
 * Reduced from seed 7, one thread, operations 17, 26 and 47 of fuzz_ports
 * (create_alpc_port, alpc_send_receive, lpc_request_wait_reply):
 *   NtAlpcCreatePort( &port, named, NULL )
 *   NtAlpcSendWaitReceivePort( port, 0, request, NULL, NULL, NULL, NULL, timeout )
 *   NtRequestWaitReplyPort( port, request, reply )   -- waits, nobody answers
 *   ... a second later the process ends
 * The connection port queues both requests on itself.  Before commit
 * 12dd5a6 wineserver kept the first request, and through it the port, the
 * thread, the process and its token, for ever: four objects in the dump of
 * its end.  A wait of 100 ms did not show it; one of a second did.
 */

static HANDLE pending_port;

static DWORD WINAPI pending_wait_thread( void *arg )
{
    port_msg msg, reply;
    LARGE_INTEGER timeout;
    NTSTATUS status;

    set_msg( &msg, "first" );
    status = NtAlpcSendWaitReceivePort( pending_port, 0, PM(&msg), NULL, NULL, NULL, NULL,
                                        relative_timeout( &timeout, 5 ));
    ok( status == STATUS_SUCCESS, "request to the own connection port: %#lx\n", status );
    set_msg( &msg, "second" );
    /* returns when the port is closed, or not at all: no check of its result */
    NtRequestWaitReplyPort( pending_port, PM(&msg), PM(&reply) );
    return 0;
}

static void pending_request( const char *name, BOOL end_process )
{
    HANDLE thread;

    if (!(pending_port = create_port( name ))) return;
    thread = CreateThread( NULL, 0, pending_wait_thread, NULL, 0, NULL );
    ok( thread != NULL, "CreateThread failed: %lu\n", GetLastError() );
    Sleep( 1500 );
    /* the process ends with the thread still waiting (the child), or the
     * thread is ended and the port closed (in process) */
    if (end_process) return;
    if (thread)
    {
        TerminateThread( thread, 1 );
        WaitForSingleObject( thread, 5000 );
        CloseHandle( thread );
    }
    NtClose( pending_port );
}

static void client_pending_request( const char *name )
{
    pending_request( name, TRUE );
}

static void test_pending_request( BOOL process )
{
    char name[MAX_PATH];
    struct client client;

    make_name( name, bno_dir, "pending" );
    if (process)
    {
        if (start_client( &client, TRUE, "pending-request", name )) finish_client( &client );
    }
    else pending_request( name, FALSE );
    check_server_alive();
}


static const struct client_scenario client_scenarios[] =
{
    { "pending-request", client_pending_request },
};

static void run_client( const char *scenario, const char *port )
{
    run_client_scenario( client_scenarios, ARRAY_SIZE(client_scenarios), scenario, port );
}

static BOOL wanted( int argc, const char *name )
{
    return argc < 3 || !strcmp( test_argv[2], name );
}

START_TEST(fuzz_regress)
{
    int argc = winetest_get_mainargs( &test_argv ), process;

    if (argc >= 5 && !strcmp( test_argv[2], "client" ))
    {
        start_watchdog( 60000 );
        run_client( test_argv[3], test_argv[4] );
        return;
    }
    start_watchdog( 120000 );

    for (process = 0; process < 2; process++)
    {
        winetest_push_context( process ? "process" : "thread" );
        if (wanted( argc, "pending" ) && !too_many_timeouts()) test_pending_request( process );
        winetest_pop_context();
    }
}
