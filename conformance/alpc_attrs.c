/*
 * ALPC attributes: completion ports, handle attributes (also on connection
 * messages and where the port does not allow them), across threads and
 * across processes
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
 * Built like alpc.c, with the same harness (port_test.h).  Every scenario
 * runs twice: once with the client in a second thread of this process, once
 * with the client in a child process ("alpc_attrs client SCENARIO
 * PORTNAME"), which reports through its own ok() calls and its exit code.
 *
 * Nothing here may block without a bound: the server side receives with a
 * timeout, clients pass timeouts to their connects and synchronous requests,
 * completion packets are waited for with a timeout, and clients run in
 * threads or children that are waited for with a timeout and killed when it
 * runs out.  After a few timeouts no new scenario starts; a watchdog thread
 * ends the program (and each child) should a wait have no bound after all.
 *
 * Where an expectation comes from, in the comments: "OV" microsoft/openvmm's
 * ALPC wrapper and its tests, "TC" microsoft/terminal's ConIoSrv, "CS"
 * csandker's ALPC samples, "NT" NtApiDotNet, "LA" libalpc (all through
 * sections 7 to 9 of the project's lpc-alpc-reference-full.md), "guess" our
 * own expectation.  Checks without a mark are plain object manager or
 * memory manager behaviour.
 *
 * Not tested here: attributes in replies other than handles, in accept
 * messages, view flags (AUTO_RELEASE, UNMAP_EXISTING, secure sections),
 * DUPLICATE_SAME_ATTRIBUTES and DUPLICATE_INHERIT, handle types other than
 * events and semaphores, completion lists.
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
#define PORT_TEST_PROGRAM "alpc_attrs"
#define PORT_TEST_PREFIX "alpc-attrs"
#include "port_test.h"
#include "alpc_attrs_test.h"

/***********************************************************************
 * 1. Completion ports: one packet per arriving message
 */

static NTSTATUS associate( HANDLE port, HANDLE completion, void *key, ULONG len )
{
    ALPC_PORT_ASSOCIATE_COMPLETION_PORT assoc;

    assoc.CompletionKey = key;
    assoc.CompletionPort = completion;
    return pNtAlpcSetInformation( port, AlpcAssociateCompletionPortInformation, &assoc, len );
}

/* One completion packet with the port's key (OV), then the message it
 * announced, taken with a receive that does not wait (reference 9.6). */
#define expect_packet_msg(c, k, p, m, t, ms) expect_packet_msg_(__FILE__, __LINE__, c, k, p, m, t, ms)
static BOOL expect_packet_msg_( const char *file, int line, HANDLE completion, void *key, HANDLE port,
                                alpc_msg *msg, int type, DWORD ms )
{
    LARGE_INTEGER timeout;
    IO_STATUS_BLOCK io;
    ULONG_PTR got_key = 0, value = 0;
    recv_attrs attrs;
    NTSTATUS status;

    io.Status = 0xdeadbeef;
    status = NtRemoveIoCompletion( completion, &got_key, &value, &io, relative_timeout( &timeout, ms ));
    if (status == STATUS_TIMEOUT) note_timeout();
    ok_(file, line)( status == STATUS_SUCCESS, "no completion packet for a message of type %d: %#lx\n", type,
                     status );
    if (status) return FALSE;
    ok_(file, line)( got_key == (ULONG_PTR)key, "completion key %#Ix, expected %p\n", got_key, key );
    /* guess: the packet carries success */
    ok_(file, line)( io.Status == STATUS_SUCCESS, "packet status %#lx\n", io.Status );
    return expect_msg_( file, line, port, msg, &attrs, type, 0 );
}

/* no packet is left */
#define expect_no_packet(c) expect_no_packet_(__FILE__, __LINE__, c)
static void expect_no_packet_( const char *file, int line, HANDLE completion )
{
    LARGE_INTEGER timeout;
    IO_STATUS_BLOCK io;
    ULONG_PTR key = 0, value = 0;
    NTSTATUS status;

    status = NtRemoveIoCompletion( completion, &key, &value, &io, relative_timeout( &timeout, 0 ));
    ok_(file, line)( status == STATUS_TIMEOUT, "a packet too many (key %#Ix): %#lx\n", key, status );
}

static HANDLE create_completion(void)
{
    HANDLE completion = NULL;
    NTSTATUS status = NtCreateIoCompletion( &completion, IO_COMPLETION_ALL_ACCESS, NULL, 0 );

    ok( status == STATUS_SUCCESS, "NtCreateIoCompletion failed: %#lx\n", status );
    return status ? NULL : completion;
}

static void client_iocp( const char *name )
{
    HANDLE port, completion;
    NTSTATUS status;
    alpc_msg msg;

    if (!(port = client_connect( name, 0, 0 ))) return;
    set_msg( &msg, "iocp-datagram" );
    status = send_msg( port, ALPC_MSGFLG_RELEASE_MESSAGE, &msg, NULL );
    ok( status == STATUS_SUCCESS, "datagram failed: %#lx\n", status );
    sync_request( port, "iocp-request", NULL, "iocp-reply" );

    /* the client's own port: the server's messages and replies */
    if (!(completion = create_completion())) goto done;
    status = associate( port, completion, CLIENT_KEY, sizeof(ALPC_PORT_ASSOCIATE_COMPLETION_PORT) );
    ok( status == STATUS_SUCCESS, "associating the client port failed: %#lx\n", status );
    if (status) goto done;

    /* an asynchronous request, whose reply arrives in the port's queue (OV) */
    set_msg( &msg, "iocp-async" );
    status = send_msg( port, 0, &msg, NULL );
    ok( status == STATUS_SUCCESS, "asynchronous request failed: %#lx\n", status );
    if (expect_packet_msg( completion, CLIENT_KEY, port, &msg, LPC_REPLY, CLIENT_WAIT ))
        check_data( &msg, "iocp-async-reply" );
    if (expect_packet_msg( completion, CLIENT_KEY, port, &msg, LPC_DATAGRAM, CLIENT_WAIT ))
        check_data( &msg, "iocp-server-datagram" );
    /* a request of the server's, answered here */
    if (expect_packet_msg( completion, CLIENT_KEY, port, &msg, LPC_REQUEST, CLIENT_WAIT ))
    {
        check_data( &msg, "iocp-server-request" );
        reply_msg( port, &msg, "iocp-client-reply" );
    }
    expect_no_packet( completion );
    expect_no_msg( port, 0 );

    /* the last datagram must reach the server before the port closes */
    set_msg( &msg, "iocp-bye" );
    status = send_msg( port, ALPC_MSGFLG_RELEASE_MESSAGE, &msg, NULL );
    ok( status == STATUS_SUCCESS, "datagram failed: %#lx\n", status );
    wait_for_go( name );
    expect_no_packet( completion );
done:
    if (completion) NtClose( completion );
    client_close( port );
}

/* AlpcMessageZoneInformation (REF 7.6: {Buffer, Size}), and classes that
 * are only set.  Guesses: the zone serves completion lists, so without one
 * it is checked and kept; a class that is only set cannot be queried. */
static void test_set_information(void)
{
    ALPC_PORT_MESSAGE_ZONE_INFORMATION zone;
    ALPC_PORT_ASSOCIATE_COMPLETION_PORT assoc;
    static char zone_buffer[0x4000];
    HANDLE port = NULL;
    NTSTATUS status;
    ULONG len;

    status = pNtAlpcCreatePort( &port, NULL, NULL );
    ok( status == STATUS_SUCCESS, "NtAlpcCreatePort failed: %#lx\n", status );
    if (status) return;

    zone.Buffer = zone_buffer;
    zone.Size = sizeof(zone_buffer);
    status = pNtAlpcSetInformation( port, AlpcMessageZoneInformation, &zone, sizeof(zone) - 1 );
    ok( status == STATUS_INFO_LENGTH_MISMATCH, "short zone information: %#lx\n", status );
    status = pNtAlpcSetInformation( port, AlpcMessageZoneInformation, NULL, sizeof(zone) );
    ok( status == STATUS_INVALID_PARAMETER, "no zone information: %#lx\n", status );
    zone.Buffer = NULL;
    status = pNtAlpcSetInformation( port, AlpcMessageZoneInformation, &zone, sizeof(zone) );
    ok( status == STATUS_INVALID_PARAMETER, "zone without a buffer: %#lx\n", status );
    zone.Buffer = zone_buffer;
    zone.Size = 0;
    status = pNtAlpcSetInformation( port, AlpcMessageZoneInformation, &zone, sizeof(zone) );
    ok( status == STATUS_INVALID_PARAMETER, "empty zone: %#lx\n", status );
    zone.Size = sizeof(zone_buffer);
    status = pNtAlpcSetInformation( (HANDLE)0xdead0, AlpcMessageZoneInformation, &zone, sizeof(zone) );
    ok( status == STATUS_INVALID_HANDLE, "zone of a bogus port: %#lx\n", status );
    status = pNtAlpcSetInformation( port, AlpcMessageZoneInformation, &zone, sizeof(zone) );
    ok( status == STATUS_SUCCESS, "AlpcMessageZoneInformation failed: %#lx\n", status );

    len = 0xdeadbeef;
    status = pNtAlpcQueryInformation( port, AlpcMessageZoneInformation, &zone, sizeof(zone), &len );
    ok( status == STATUS_INVALID_INFO_CLASS, "querying the zone: %#lx\n", status );
    status = pNtAlpcQueryInformation( port, AlpcAssociateCompletionPortInformation, &assoc, sizeof(assoc), &len );
    ok( status == STATUS_INVALID_INFO_CLASS, "querying the completion port: %#lx\n", status );
    ok( len == 0xdeadbeef, "length %#lx written\n", len );
    NtClose( port );
}

static void test_completion_port( BOOL process )
{
    HANDLE completion = NULL, event;
    struct session s;
    NTSTATUS status;
    alpc_msg msg;

    if (!session_init( &s, "iocp", 0, 0 )) goto done;
    if (!(completion = create_completion())) goto done;

    /* guess: the usual statuses for a bad length, handle or object */
    status = associate( s.port, completion, SERVER_KEY, sizeof(ALPC_PORT_ASSOCIATE_COMPLETION_PORT) - 1 );
    ok( status == STATUS_INFO_LENGTH_MISMATCH, "length %u: %#lx\n",
        (int)sizeof(ALPC_PORT_ASSOCIATE_COMPLETION_PORT) - 1, status );
    status = associate( s.port, completion, SERVER_KEY, sizeof(ALPC_PORT_ASSOCIATE_COMPLETION_PORT) + 8 );
    ok( status == STATUS_INFO_LENGTH_MISMATCH, "length %u: %#lx\n",
        (int)sizeof(ALPC_PORT_ASSOCIATE_COMPLETION_PORT) + 8, status );
    status = associate( s.port, BOGUS_HANDLE, SERVER_KEY, sizeof(ALPC_PORT_ASSOCIATE_COMPLETION_PORT) );
    ok( status == STATUS_INVALID_HANDLE, "bogus completion port: %#lx\n", status );
    event = new_event( FALSE );
    status = associate( s.port, event, SERVER_KEY, sizeof(ALPC_PORT_ASSOCIATE_COMPLETION_PORT) );
    ok( status == STATUS_OBJECT_TYPE_MISMATCH, "an event as completion port: %#lx\n", status );
    CloseHandle( event );

    /* OV: associated on the connection port, then a packet per connection request */
    status = associate( s.port, completion, SERVER_KEY, sizeof(ALPC_PORT_ASSOCIATE_COMPLETION_PORT) );
    ok( status == STATUS_SUCCESS, "associating the connection port failed: %#lx\n", status );
    if (status) goto done;
    expect_no_packet( completion );

    if (!start_client( &s.client, process, "iocp", s.name )) goto done;
    if (!expect_packet_msg( completion, SERVER_KEY, s.port, &msg, LPC_CONNECTION_REQUEST, 2 * wait_time() ))
        goto done;
    status = pNtAlpcAcceptConnectPort( &s.comm, s.port, 0, NULL, NULL, s.context, &msg.h, NULL, TRUE );
    ok( status == STATUS_SUCCESS, "NtAlpcAcceptConnectPort failed: %#lx\n", status );
    if (status)
    {
        s.comm = NULL;
        goto done;
    }
    /* Whether accepting queues a packet shows at the end: the client sends
     * at once, so a check here would race with its datagram. */

    /* the clients' datagrams and requests */
    if (!expect_packet_msg( completion, SERVER_KEY, s.port, &msg, LPC_DATAGRAM, wait_time() )) goto done;
    check_data( &msg, "iocp-datagram" );
    if (!expect_packet_msg( completion, SERVER_KEY, s.port, &msg, LPC_REQUEST, wait_time() )) goto done;
    check_data( &msg, "iocp-request" );
    reply_msg( s.comm, &msg, "iocp-reply" );

    /* the client associates its port, then sends an asynchronous request */
    if (!expect_packet_msg( completion, SERVER_KEY, s.port, &msg, LPC_REQUEST, wait_time() )) goto done;
    check_data( &msg, "iocp-async" );
    reply_msg( s.comm, &msg, "iocp-async-reply" );
    set_msg( &msg, "iocp-server-datagram" );
    status = send_msg( s.comm, ALPC_MSGFLG_RELEASE_MESSAGE, &msg, NULL );
    ok( status == STATUS_SUCCESS, "datagram to the client failed: %#lx\n", status );
    /* a request of ours: the client's reply arrives on the connection port (OV), with a packet */
    set_msg( &msg, "iocp-server-request" );
    status = send_msg( s.comm, 0, &msg, NULL );
    ok( status == STATUS_SUCCESS, "request to the client failed: %#lx\n", status );
    if (!status && expect_packet_msg( completion, SERVER_KEY, s.port, &msg, LPC_REPLY, wait_time() ))
        check_data( &msg, "iocp-client-reply" );

    if (!expect_packet_msg( completion, SERVER_KEY, s.port, &msg, LPC_DATAGRAM, wait_time() )) goto done;
    check_data( &msg, "iocp-bye" );
    SetEvent( s.go );
    /* the client's port closes: that notice is a message too */
    if (!expect_packet_msg( completion, SERVER_KEY, s.port, &msg, LPC_PORT_CLOSED, wait_time() )) goto done;

    /* exactly one packet per message */
    expect_no_packet( completion );
    expect_no_msg( s.port, 0 );
done:
    session_end( &s );
    if (completion) NtClose( completion );
}


/***********************************************************************
 * 2. Handle attributes, both ways
 */

static void client_handles( const char *name )
{
    HANDLE port, event, events[INDIRECT_COUNT], received;
    ALPC_HANDLE_ATTR32 array[INDIRECT_COUNT];
    LARGE_INTEGER timeout;
    handle_attrs hattrs;
    recv_attrs attrs;
    ACCESS_MASK access;
    NTSTATUS status;
    alpc_msg msg;
    char text[64];
    SIZE_T len;
    int i;

    /* the client's port takes handles from the server too (OV, TC) */
    if (!(port = client_connect( name, DUP_FLAGS, ALPC_PORFLG_OBJECT_TYPE_ALL ))) return;

    /* a datagram carrying an event with the same access (OV) */
    event = new_event( FALSE );
    access = handle_access( event );
    sprintf( text, "dup-datagram %lx %lx", access, HandleToULong( event ));
    set_msg( &msg, text );
    status = send_msg( port, ALPC_MSGFLG_RELEASE_MESSAGE, &msg,
                       init_handle_attrs( &hattrs, ALPC_HANDLEFLG_DUPLICATE_SAME_ACCESS, event, 0, 0 ));
    ok( status == STATUS_SUCCESS, "datagram with a handle failed: %#lx\n", status );
    /* the server sets the event through its own handle before it replies */
    sync_request( port, "dup-datagram-check", NULL, "set" );
    ok( is_signaled( event ), "the server's handle is not to this event\n" );
    CloseHandle( event );

    /* a request carrying an event with the same access */
    event = new_event( FALSE );
    sprintf( text, "dup-request %lx %lx", handle_access( event ), HandleToULong( event ));
    sync_request( port, text, init_handle_attrs( &hattrs, ALPC_HANDLEFLG_DUPLICATE_SAME_ACCESS, event, 0, 0 ),
                  "set" );
    ok( is_signaled( event ), "the server's handle is not to this event\n" );
    CloseHandle( event );

    /* a request carrying an event with less access (TC: Flags 0 and DesiredAccess) */
    event = new_event( TRUE );
    sync_request( port, "dup-access", init_handle_attrs( &hattrs, 0, event, 0, QUERY_ACCESS ), "limited" );

    /* a handle that is none: refused, nothing reaches the server (guess) */
    set_msg( &msg, "bogus handle" );
    status = send_msg( port, ALPC_MSGFLG_RELEASE_MESSAGE, &msg,
                       init_handle_attrs( &hattrs, ALPC_HANDLEFLG_DUPLICATE_SAME_ACCESS, BOGUS_HANDLE, 0, 0 ));
    ok( status == STATUS_INVALID_HANDLE, "datagram with a bogus handle: %#lx\n", status );
    status = sync_request( port, "bogus handle request",
                           init_handle_attrs( &hattrs, ALPC_HANDLEFLG_DUPLICATE_SAME_ACCESS, BOGUS_HANDLE, 0, 0 ),
                           NULL );
    ok( status == STATUS_INVALID_HANDLE, "request with a bogus handle: %#lx\n", status );
    /* an event that claims to be a semaphore (guess) */
    set_msg( &msg, "wrong type" );
    status = send_msg( port, ALPC_MSGFLG_RELEASE_MESSAGE, &msg,
                       init_handle_attrs( &hattrs, ALPC_HANDLEFLG_DUPLICATE_SAME_ACCESS, event,
                                          ALPC_PORFLG_OBJECT_TYPE_SEMAPHORE, 0 ));
    ok( status == STATUS_OBJECT_TYPE_MISMATCH, "event sent as a semaphore: %#lx\n", status );
    CloseHandle( event );

    /* three events at once (OV, NT); the server sets each through its handle */
    for (i = 0; i < INDIRECT_COUNT; i++) events[i] = new_event( FALSE );
    sync_request( port, "indirect", init_indirect_attrs( &hattrs, array, events ), "set" );
    for (i = 0; i < INDIRECT_COUNT; i++)
    {
        ok( is_signaled( events[i] ), "event %d was not set\n", i );
        CloseHandle( events[i] );
    }

    /* none of the refused messages got through: this is the server's next one */
    sync_request( port, "handles-sent", NULL, "received" );

    /* the server's datagram with an event of its own */
    status = receive_msg( port, &msg, &attrs, CLIENT_WAIT );
    ok( status == STATUS_SUCCESS, "receiving the server's datagram failed: %#lx\n", status );
    if (status) goto done;
    ok( MSG_TYPE( &msg ) == LPC_DATAGRAM, "type %#x\n", msg.h.u2.s2.Type );
    if (sscanf( msg.data, "server-dup %lx", &access ) != 1)
        ok( 0, "data %s\n", wine_dbgstr_an( msg.data, 32 ));
    else if ((received = check_recv_handle( &attrs, ALPC_PORFLG_OBJECT_TYPE_EVENT, access )))
    {
        ok( SetEvent( received ), "SetEvent failed: %lu\n", GetLastError() );
        CloseHandle( received );
    }

    /* the server's request with a signaled event and less access */
    status = receive_msg( port, &msg, &attrs, CLIENT_WAIT );
    ok( status == STATUS_SUCCESS, "receiving the server's request failed: %#lx\n", status );
    if (status) goto done;
    ok( MSG_TYPE( &msg ) == LPC_REQUEST, "type %#x\n", msg.h.u2.s2.Type );
    check_data( &msg, "server-access" );
    if ((received = check_recv_handle( &attrs, ALPC_PORFLG_OBJECT_TYPE_EVENT, QUERY_ACCESS )))
    {
        ok( is_signaled( received ), "the event is not signaled\n" );
        ok( !SetEvent( received ) && GetLastError() == ERROR_ACCESS_DENIED, "SetEvent: %lu\n", GetLastError() );
        CloseHandle( received );
    }
    reply_msg( port, &msg, "server-access-ok" );

    /* the server's request with three events */
    status = receive_msg( port, &msg, &attrs, CLIENT_WAIT );
    ok( status == STATUS_SUCCESS, "receiving the server's indirect request failed: %#lx\n", status );
    if (status) goto done;
    ok( MSG_TYPE( &msg ) == LPC_REQUEST, "type %#x\n", msg.h.u2.s2.Type );
    check_data( &msg, "server-indirect" );
    check_recv_indirect( port, &msg, &attrs );
    reply_msg( port, &msg, "server-indirect-ok" );

    /* our replies must be received before the port closes */
    sync_request( port, "handles-bye", NULL, "bye" );
    /* nothing else came */
    len = sizeof(msg);
    status = pNtAlpcSendWaitReceivePort( port, 0, NULL, NULL, &msg.h, &len, NULL, relative_timeout( &timeout, 0 ));
    ok( status == STATUS_TIMEOUT, "unexpected message: %#lx\n", status );
done:
    client_close( port );
}

static void test_handles( BOOL process )
{
    HANDLE received, event, events[INDIRECT_COUNT];
    ALPC_HANDLE_ATTR32 array[INDIRECT_COUNT];
    handle_attrs hattrs;
    recv_attrs attrs;
    struct session s;
    ACCESS_MASK access;
    NTSTATUS status;
    ULONG sent;
    alpc_msg msg;
    char text[64];
    int i;

    for (i = 0; i < INDIRECT_COUNT; i++) events[i] = NULL;
    event = NULL;

    /* the connection port takes every kind of handle, one or several at once (OV, TC) */
    if (!session_init( &s, "handles", DUP_FLAGS, ALPC_PORFLG_OBJECT_TYPE_ALL )) goto done;
    if (!start_client( &s.client, process, "handles", s.name )) goto done;
    if (!session_accept( &s )) goto done;

    /* the datagram's event: a new handle with the same access, to the same event */
    if (!expect_msg( s.port, &msg, &attrs, LPC_DATAGRAM )) goto done;
    /* a datagram that passed a handle must be replied to, to release it (OV) */
    ok( msg.h.u2.s2.Type & LPC_CONTINUATION_REQUIRED, "type %#x\n", msg.h.u2.s2.Type );
    if (sscanf( msg.data, "dup-datagram %lx %lx", &access, &sent ) != 2)
        ok( 0, "data %s\n", wine_dbgstr_an( msg.data, 32 ));
    else if ((received = check_recv_handle( &attrs, ALPC_PORFLG_OBJECT_TYPE_EVENT, access )))
    {
        /* in one process, a new handle all the same */
        if (!process) ok( received != ULongToHandle( sent ), "got the sender's handle %p\n", received );
        ok( !is_signaled( received ), "the event is signaled\n" );
        CloseHandle( received );
        /* asked for, the handle is a new one each time, the caller's to close (OV) */
        for (i = 0; i < 2; i++)
        {
            ALPC_MESSAGE_HANDLE_INFORMATION info;

            memset( &info, 0, sizeof(info) );
            status = pNtAlpcQueryInformationMessage( s.port, &msg.h, AlpcMessageHandleInformation, &info,
                                                     sizeof(info), NULL );
            ok( status == STATUS_SUCCESS, "query %d of the datagram's handle failed: %#lx\n", i, status );
            if (status) continue;
            received = ULongToHandle( info.Handle );
            ok( handle_access( received ) == access, "query %d: the handle grants %#lx\n", i,
                handle_access( received ));
            if (i) ok( SetEvent( received ), "SetEvent failed: %lu\n", GetLastError() );
            CloseHandle( received );
        }
    }
    /* released by a reply with nothing but its identity (OV) */
    {
        alpc_msg answer;

        set_msg( &answer, "" );
        answer.h.MessageId = msg.h.MessageId;
        answer.h.CallbackId = msg.h.CallbackId;
        status = send_msg( s.port, ALPC_MSGFLG_RELEASE_MESSAGE, &answer, NULL );
        ok( status == STATUS_SUCCESS, "releasing the datagram failed: %#lx\n", status );
        /* guess: once released, there is nothing left to ask for or release */
        status = send_msg( s.port, ALPC_MSGFLG_RELEASE_MESSAGE, &answer, NULL );
        ok( status == STATUS_REPLY_MESSAGE_MISMATCH, "releasing it twice: %#lx\n", status );
    }
    {
        ALPC_MESSAGE_HANDLE_INFORMATION info;

        memset( &info, 0, sizeof(info) );
        status = pNtAlpcQueryInformationMessage( s.port, &msg.h, AlpcMessageHandleInformation, &info,
                                                 sizeof(info), NULL );
        ok( !NT_SUCCESS( status ), "query after the release: %#lx\n", status );
    }
    if (!expect_request( s.port, &msg, &attrs, "dup-datagram-check" )) goto done;
    check_no_handle( &attrs );
    reply_msg( s.comm, &msg, "set" );

    /* the same in a request */
    if (!expect_msg( s.port, &msg, &attrs, LPC_REQUEST )) goto done;
    if (sscanf( msg.data, "dup-request %lx %lx", &access, &sent ) != 2)
        ok( 0, "data %s\n", wine_dbgstr_an( msg.data, 32 ));
    else if ((received = check_recv_handle( &attrs, ALPC_PORFLG_OBJECT_TYPE_EVENT, access )))
    {
        if (!process) ok( received != ULongToHandle( sent ), "got the sender's handle %p\n", received );
        ok( SetEvent( received ), "SetEvent failed: %lu\n", GetLastError() );
        CloseHandle( received );
    }
    reply_msg( s.comm, &msg, "set" );

    /* exactly the access asked for: it may wait, not set */
    if (!expect_request( s.port, &msg, &attrs, "dup-access" )) goto done;
    if ((received = check_recv_handle( &attrs, ALPC_PORFLG_OBJECT_TYPE_EVENT, QUERY_ACCESS )))
    {
        ok( is_signaled( received ), "the event is not signaled\n" );
        ok( !SetEvent( received ) && GetLastError() == ERROR_ACCESS_DENIED, "SetEvent: %lu\n", GetLastError() );
        CloseHandle( received );
    }
    reply_msg( s.comm, &msg, "limited" );

    /* three handles, fetched one by one on the port that received them (OV, TC) */
    if (!expect_request( s.port, &msg, &attrs, "indirect" )) goto done;
    check_recv_indirect( s.port, &msg, &attrs );
    reply_msg( s.comm, &msg, "set" );
    {
        ALPC_MESSAGE_HANDLE_INFORMATION info;

        /* guess: the reply released them */
        memset( &info, 0, sizeof(info) );
        status = pNtAlpcQueryInformationMessage( s.port, &msg.h, AlpcMessageHandleInformation, &info,
                                                 sizeof(info), NULL );
        ok( !NT_SUCCESS( status ), "query after the reply: %#lx\n", status );
    }

    /* the refused sends left nothing behind */
    if (!expect_request( s.port, &msg, &attrs, "handles-sent" )) goto done;
    expect_no_msg( s.port, 0 );
    reply_msg( s.comm, &msg, "received" );

    /* to the client, through the communication port (OV): a datagram ... */
    event = new_event( FALSE );
    sprintf( text, "server-dup %lx", handle_access( event ));
    set_msg( &msg, text );
    status = send_msg( s.comm, ALPC_MSGFLG_RELEASE_MESSAGE, &msg,
                       init_handle_attrs( &hattrs, ALPC_HANDLEFLG_DUPLICATE_SAME_ACCESS, event, 0, 0 ));
    ok( status == STATUS_SUCCESS, "datagram with a handle to the client failed: %#lx\n", status );

    /* ... a request with less access, whose reply comes to the connection port (OV) ... */
    events[0] = new_event( TRUE );
    set_msg( &msg, "server-access" );
    status = send_msg( s.comm, 0, &msg, init_handle_attrs( &hattrs, 0, events[0], 0, QUERY_ACCESS ));
    ok( status == STATUS_SUCCESS, "request with a handle to the client failed: %#lx\n", status );
    if (status) goto done;
    if (!expect_msg( s.port, &msg, &attrs, LPC_REPLY )) goto done;
    check_data( &msg, "server-access-ok" );
    /* the client set the datagram's event before it replied */
    ok( is_signaled( event ), "the client's handle is not to this event\n" );
    CloseHandle( events[0] );

    /* ... and three handles at once */
    for (i = 0; i < INDIRECT_COUNT; i++) events[i] = new_event( FALSE );
    set_msg( &msg, "server-indirect" );
    status = send_msg( s.comm, 0, &msg, init_indirect_attrs( &hattrs, array, events ));
    ok( status == STATUS_SUCCESS, "indirect request to the client failed: %#lx\n", status );
    if (status) goto done;
    if (!expect_msg( s.port, &msg, &attrs, LPC_REPLY )) goto done;
    check_data( &msg, "server-indirect-ok" );
    for (i = 0; i < INDIRECT_COUNT; i++) ok( is_signaled( events[i] ), "event %d was not set\n", i );

    if (!expect_request( s.port, &msg, &attrs, "handles-bye" )) goto done;
    reply_msg( s.comm, &msg, "bye" );
    expect_closed( s.port );
done:
    session_end( &s );
    close_handle( &event );
    for (i = 0; i < INDIRECT_COUNT; i++) close_handle( &events[i] );
}


/***********************************************************************
 * 2b. Handle attributes the receiving port does not allow
 */

/* the server's three ports: no duplication, semaphores only, one handle at a time */
/* Attributes go with a connection request and with the server's answer
 * (NtAlpcConnectPort's out and in attributes, NtAlpcAcceptConnectPort's;
 * the issue, guess for the details): an event each way, set by the side
 * that receives it. */
static void client_connect_attrs( const char *name )
{
    ALPC_PORT_ATTRIBUTES pattrs;
    LARGE_INTEGER timeout;
    UNICODE_STRING str;
    WCHAR buffer[MAX_PATH];
    handle_attrs hattrs;
    recv_attrs attrs;
    HANDLE port = NULL, event, received;
    NTSTATUS status;
    alpc_msg msg;
    SIZE_T len;

    init_unicode( &str, buffer, name );
    init_port_attrs( &pattrs, DUP_FLAGS, ALPC_PORFLG_OBJECT_TYPE_ALL );

    /* a handle the client does not have: no request reaches the server */
    set_msg( &msg, "bad-handle" );
    len = sizeof(msg);
    status = pNtAlpcConnectPort( &port, &str, NULL, &pattrs, ALPC_SYNC_CONNECTION, NULL, &msg.h, &len,
                                 init_handle_attrs( &hattrs, ALPC_HANDLEFLG_DUPLICATE_SAME_ACCESS,
                                                    (HANDLE)0xdead0, 0, 0 ),
                                 NULL, relative_timeout( &timeout, CLIENT_WAIT ));
    ok( status == STATUS_INVALID_HANDLE, "connecting with a bogus handle: %#lx\n", status );
    if (!status) NtClose( port );

    event = new_event( FALSE );
    set_msg( &msg, "with-event" );
    len = sizeof(msg);
    port = NULL;
    status = pNtAlpcConnectPort( &port, &str, NULL, &pattrs, ALPC_SYNC_CONNECTION, NULL, &msg.h, &len,
                                 init_handle_attrs( &hattrs, ALPC_HANDLEFLG_DUPLICATE_SAME_ACCESS, event, 0, 0 ),
                                 init_recv_attrs( &attrs ), relative_timeout( &timeout, CLIENT_WAIT ));
    if (status == STATUS_TIMEOUT) note_timeout();
    ok( status == STATUS_SUCCESS, "NtAlpcConnectPort with a handle failed: %#lx\n", status );
    if (status)
    {
        CloseHandle( event );
        return;
    }
    ok( MSG_TYPE( &msg ) == LPC_CONNECTION_REPLY, "type %#x\n", msg.h.u2.s2.Type );
    check_data( &msg, "welcome" );
    /* the server's event, which it set before it accepted */
    received = check_recv_handle( &attrs, ALPC_PORFLG_OBJECT_TYPE_EVENT, QUERY_ACCESS );
    if (received)
    {
        ok( is_signaled( received ), "the handle from the server is not to its event\n" );
        CloseHandle( received );
    }
    /* the server set this one through the handle it got with the request */
    sync_request( port, "connect-attrs-check", NULL, "set" );
    ok( is_signaled( event ), "the server's handle is not to this event\n" );
    CloseHandle( event );
    client_close( port );
}

static void test_connect_attrs( BOOL process )
{
    handle_attrs hattrs;
    recv_attrs attrs;
    struct session s;
    HANDLE event = NULL, received;
    NTSTATUS status;
    alpc_msg msg;

    if (!session_init( &s, "connect-attrs", DUP_FLAGS, ALPC_PORFLG_OBJECT_TYPE_ALL )) goto done;
    if (!start_client( &s.client, process, "connect-attrs", s.name )) goto done;
    if (!expect_msg_( __FILE__, __LINE__, s.port, &msg, &attrs, LPC_CONNECTION_REQUEST, 2 * wait_time() ))
        goto done;
    check_data( &msg, "with-event" );
    received = check_recv_handle( &attrs, ALPC_PORFLG_OBJECT_TYPE_EVENT, EVENT_ALL_ACCESS );
    if (received)
    {
        ok( SetEvent( received ), "SetEvent failed: %lu\n", GetLastError() );
        CloseHandle( received );
    }

    event = new_event( TRUE );
    make_reply( &msg, &msg, "welcome" );
    status = pNtAlpcAcceptConnectPort( &s.comm, s.port, 0, NULL, NULL, s.context, &msg.h,
                                       init_handle_attrs( &hattrs, 0, event, ALPC_PORFLG_OBJECT_TYPE_EVENT,
                                                          QUERY_ACCESS ), TRUE );
    ok( status == STATUS_SUCCESS, "NtAlpcAcceptConnectPort with a handle failed: %#lx\n", status );
    if (status)
    {
        s.comm = NULL;
        goto done;
    }
    if (!expect_request( s.port, &msg, &attrs, "connect-attrs-check" )) goto done;
    reply_msg( s.comm, &msg, "set" );
    expect_closed( s.port );
done:
    if (event) CloseHandle( event );
    session_end( &s );
}

static const char *denied_suffix[3] = { "", "-semaphores", "-single" };

static void client_handles_denied( const char *name )
{
    ALPC_HANDLE_ATTR32 array[INDIRECT_COUNT];
    HANDLE ports[3], event, semaphore, events[INDIRECT_COUNT];
    char port_name[MAX_PATH];
    handle_attrs hattrs;
    NTSTATUS status;
    alpc_msg msg;
    int i;

    /* the first port of this client allows no handles from the server */
    for (i = 0; i < 3; i++)
    {
        sprintf( port_name, "%s%s", name, denied_suffix[i] );
        ports[i] = client_connect( port_name, 0, 0 );
    }
    event = new_event( FALSE );
    semaphore = CreateSemaphoreA( NULL, 0, 1, NULL );
    ok( semaphore != NULL, "CreateSemaphore failed: %lu\n", GetLastError() );
    for (i = 0; i < INDIRECT_COUNT; i++) events[i] = event;

    /* the reference, 9.4: ALLOW_DUP_OBJECT, the type's bit, ALLOW_MULTIHANDLE_ATTRIBUTE */
    if (ports[0])
    {
        set_msg( &msg, "no duplication" );
        status = send_msg( ports[0], ALPC_MSGFLG_RELEASE_MESSAGE, &msg,
                           init_handle_attrs( &hattrs, ALPC_HANDLEFLG_DUPLICATE_SAME_ACCESS, event, 0, 0 ));
        ok( !NT_SUCCESS( status ), "handle to a port without ALLOW_DUP_OBJECT: %#lx\n", status );
        sync_request( ports[0], "denied-0", NULL, "ok-0" );
    }
    if (ports[1])
    {
        set_msg( &msg, "no events" );
        status = send_msg( ports[1], ALPC_MSGFLG_RELEASE_MESSAGE, &msg,
                           init_handle_attrs( &hattrs, ALPC_HANDLEFLG_DUPLICATE_SAME_ACCESS, event, 0, 0 ));
        ok( !NT_SUCCESS( status ), "event to a port for semaphores: %#lx\n", status );
        /* a semaphore is welcome there */
        set_msg( &msg, "a semaphore" );
        status = send_msg( ports[1], ALPC_MSGFLG_RELEASE_MESSAGE, &msg,
                           init_handle_attrs( &hattrs, ALPC_HANDLEFLG_DUPLICATE_SAME_ACCESS, semaphore, 0, 0 ));
        ok( status == STATUS_SUCCESS, "semaphore to a port for semaphores: %#lx\n", status );
        sync_request( ports[1], "denied-1", NULL, "ok-1" );
    }
    if (ports[2])
    {
        /* guess: one handle still goes through */
        set_msg( &msg, "one handle" );
        status = send_msg( ports[2], ALPC_MSGFLG_RELEASE_MESSAGE, &msg,
                           init_handle_attrs( &hattrs, ALPC_HANDLEFLG_DUPLICATE_SAME_ACCESS, event, 0, 0 ));
        ok( status == STATUS_SUCCESS, "one handle to a port without ALLOW_MULTIHANDLE_ATTRIBUTE: %#lx\n", status );
        set_msg( &msg, "three handles" );
        status = send_msg( ports[2], ALPC_MSGFLG_RELEASE_MESSAGE, &msg, init_indirect_attrs( &hattrs, array, events ));
        ok( !NT_SUCCESS( status ), "three handles to a port without ALLOW_MULTIHANDLE_ATTRIBUTE: %#lx\n", status );
        sync_request( ports[2], "denied-2", NULL, "ok-2" );
    }
    CloseHandle( event );
    if (semaphore) CloseHandle( semaphore );
    for (i = 0; i < 3; i++) if (ports[i]) client_close( ports[i] );
}

static void test_handles_denied( BOOL process )
{
    static const ULONG flags[3] = { 0, ALPC_PORFLG_ALLOW_DUP_OBJECT, ALPC_PORFLG_ALLOW_DUP_OBJECT };
    static const ULONG types[3] = { ALPC_PORFLG_OBJECT_TYPE_ALL, ALPC_PORFLG_OBJECT_TYPE_SEMAPHORE,
                                    ALPC_PORFLG_OBJECT_TYPE_ALL };
    HANDLE ports[3] = { NULL }, comms[3] = { NULL }, event = NULL, received;
    char port_name[MAX_PATH];
    handle_attrs hattrs;
    recv_attrs attrs;
    struct session s;
    NTSTATUS status;
    alpc_msg msg;
    int i;

    memset( &s, 0, sizeof(s) );
    make_name( s.name, bno_dir, "denied" );
    for (i = 0; i < 3; i++)
    {
        sprintf( port_name, "%s%s", s.name, denied_suffix[i] );
        if (!(ports[i] = create_port( port_name, flags[i], types[i] ))) goto done;
    }
    if (!start_client( &s.client, process, "handles-denied", s.name )) goto done;
    /* the client connects to each in turn */
    for (i = 0; i < 3; i++) if (!session_accept_( __FILE__, __LINE__, &s, ports[i], &comms[i], 2 * wait_time() ))
        goto done;

    /* the client's port does not allow handles: sends to it fail */
    event = new_event( FALSE );
    set_msg( &msg, "to a client without duplication" );
    status = send_msg( comms[0], ALPC_MSGFLG_RELEASE_MESSAGE, &msg,
                       init_handle_attrs( &hattrs, ALPC_HANDLEFLG_DUPLICATE_SAME_ACCESS, event, 0, 0 ));
    ok( !NT_SUCCESS( status ), "handle to a client port without ALLOW_DUP_OBJECT: %#lx\n", status );

    if (!expect_request( ports[0], &msg, &attrs, "denied-0" )) goto done;
    reply_msg( comms[0], &msg, "ok-0" );

    if (!expect_msg( ports[1], &msg, &attrs, LPC_DATAGRAM )) goto done;
    check_data( &msg, "a semaphore" );
    if ((received = check_recv_handle( &attrs, ALPC_PORFLG_OBJECT_TYPE_SEMAPHORE, SEMAPHORE_ALL_ACCESS )))
        CloseHandle( received );
    if (!expect_request( ports[1], &msg, &attrs, "denied-1" )) goto done;
    reply_msg( comms[1], &msg, "ok-1" );

    if (!expect_msg( ports[2], &msg, &attrs, LPC_DATAGRAM )) goto done;
    check_data( &msg, "one handle" );
    if ((received = check_recv_handle( &attrs, ALPC_PORFLG_OBJECT_TYPE_EVENT, EVENT_ALL_ACCESS )))
        CloseHandle( received );
    if (!expect_request( ports[2], &msg, &attrs, "denied-2" )) goto done;
    reply_msg( comms[2], &msg, "ok-2" );

    for (i = 0; i < 3; i++)
    {
        expect_closed( ports[i] );
        expect_no_msg( ports[i], 0 );
    }
done:
    finish_client( &s.client );
    close_handle( &event );
    for (i = 0; i < 3; i++)
    {
        if (comms[i]) NtClose( comms[i] );
        if (ports[i]) NtClose( ports[i] );
    }
}

/***********************************************************************
 * 2c. A reply that passes handles is held as a received message is
 */

/* The requester of a reply that passed several handles queries them, then
 * releases the reply as it would release a datagram (guess: nothing public
 * shows a reply with handles; the rules are those openvmm shows for a
 * datagram: LPC_CONTINUATION_REQUIRED, a new handle per query, a reply
 * naming the message releases it). */
static void client_reply_handles( const char *name )
{
    ALPC_MESSAGE_HANDLE_INFORMATION info;
    LARGE_INTEGER timeout;
    recv_attrs attrs;
    alpc_msg msg, reply, release;
    NTSTATUS status;
    SIZE_T len = sizeof(reply);
    HANDLE port;
    ULONG ret;

    if (!(port = client_connect( name, DUP_FLAGS, ALPC_PORFLG_OBJECT_TYPE_ALL ))) return;
    set_msg( &msg, "reply-handles" );
    status = pNtAlpcSendWaitReceivePort( port, ALPC_MSGFLG_SYNC_REQUEST, &msg.h, NULL, &reply.h, &len,
                                         init_recv_attrs( &attrs ), relative_timeout( &timeout, CLIENT_WAIT ));
    ok( status == STATUS_SUCCESS, "synchronous request failed: %#lx\n", status );
    if (status) goto done;
    ok( MSG_TYPE( &reply ) == LPC_REPLY, "type %#x\n", reply.h.u2.s2.Type );
    ok( reply.h.u2.s2.Type & LPC_CONTINUATION_REQUIRED, "type %#x\n", reply.h.u2.s2.Type );
    check_data( &reply, "with-handles" );
    check_recv_indirect( port, &reply, &attrs );

    /* released by a reply that names it; then there is nothing left to ask for */
    memset( &release, 0, sizeof(release) );
    release.h.u1.s1.TotalLength = sizeof(release.h);
    release.h.MessageId  = reply.h.MessageId;
    release.h.CallbackId = reply.h.CallbackId;
    status = pNtAlpcSendWaitReceivePort( port, ALPC_MSGFLG_RELEASE_MESSAGE, &release.h, NULL, NULL, NULL, NULL, NULL );
    ok( status == STATUS_SUCCESS, "releasing the reply failed: %#lx\n", status );
    info.Index = 0;
    status = pNtAlpcQueryInformationMessage( port, &reply.h, AlpcMessageHandleInformation, &info, sizeof(info), &ret );
    ok( !NT_SUCCESS( status ), "query after the release: %#lx\n", status );
    if (NT_SUCCESS( status )) CloseHandle( ULongToHandle( info.Handle ));
    status = pNtAlpcSendWaitReceivePort( port, ALPC_MSGFLG_RELEASE_MESSAGE, &release.h, NULL, NULL, NULL, NULL, NULL );
    ok( status == STATUS_REPLY_MESSAGE_MISMATCH, "second release: %#lx\n", status );
    sync_request( port, "reply-handles-done", NULL, "checked" );
done:
    client_close( port );
}

static void test_reply_handles( BOOL process )
{
    HANDLE events[INDIRECT_COUNT];
    ALPC_HANDLE_ATTR32 array[INDIRECT_COUNT];
    handle_attrs hattrs;
    recv_attrs attrs;
    struct session s;
    alpc_msg msg, reply;
    NTSTATUS status;
    int i;

    for (i = 0; i < INDIRECT_COUNT; i++) events[i] = new_event( FALSE );
    if (!session_init( &s, "reply-handles", DUP_FLAGS, ALPC_PORFLG_OBJECT_TYPE_ALL )) goto done;
    if (!start_client( &s.client, process, "reply-handles", s.name )) goto done;
    if (!session_accept( &s )) goto done;
    if (!expect_request( s.port, &msg, &attrs, "reply-handles" )) goto done;
    make_reply( &reply, &msg, "with-handles" );
    status = send_msg( s.comm, ALPC_MSGFLG_REPLY_MESSAGE | ALPC_MSGFLG_RELEASE_MESSAGE, &reply,
                       init_indirect_attrs( &hattrs, array, events ));
    ok( status == STATUS_SUCCESS, "reply with handles failed: %#lx\n", status );
    /* the client set each event through a handle it queried */
    if (!expect_request( s.port, &msg, &attrs, "reply-handles-done" )) goto done;
    for (i = 0; i < INDIRECT_COUNT; i++) ok( is_signaled( events[i] ), "event %d was not set\n", i );
    reply_msg( s.comm, &msg, "checked" );
    expect_closed( s.port );
done:
    for (i = 0; i < INDIRECT_COUNT; i++) CloseHandle( events[i] );
    session_end( &s );
}


/***********************************************************************
 * Test driver
 */

static const struct client_scenario client_scenarios[] =
{
    { "iocp", client_iocp },
    { "handles", client_handles },
    { "handles-denied", client_handles_denied },
    { "connect-attrs", client_connect_attrs },
    { "reply-handles", client_reply_handles },
    { "ping", client_ping },
};

static void run_client( const char *scenario, const char *port )
{
    run_client_scenario( client_scenarios, ARRAY_SIZE(client_scenarios), scenario, port );
}

START_TEST(alpc_attrs)
{
    int argc = winetest_get_mainargs( &test_argv ), process;

    if (!init_functions() || run_child( argc, NULL )) return;

#define RUN(call) do { if (!too_many_timeouts()) call; } while (0)
    RUN( test_set_information() );
    /* the client in a thread of this process, then in a child process */
    for (process = 0; process < 2; process++)
    {
        winetest_push_context( process ? "process" : "thread" );
        RUN( test_completion_port( process ) );
        RUN( test_handles( process ) );
        RUN( test_handles_denied( process ) );
        RUN( test_connect_attrs( process ) );
        RUN( test_reply_handles( process ) );
        RUN( test_still_works( process ) );
        winetest_pop_context();
    }
#undef RUN
}
