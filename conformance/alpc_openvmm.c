/*
 * ALPC as microsoft/openvmm's wrapper uses it
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
 * openvmm's support/pal/src/windows/alpc.rs is a production ALPC wrapper
 * whose unit tests run on Windows.  This program makes the same calls, with
 * the same ports, flags and headers, and expects what those tests assert
 * ("OV test_x" below), so that a program written against Windows this way
 * runs here.  Unlike those tests, which run in one thread, the secured view
 * is also sent to a child process.  Our own code, written from what the
 * wrapper does; where a check goes beyond what its tests assert, the comment
 * says "guess" and docs/unverified-behaviour.md lists it.
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
#define PORT_TEST_PROGRAM "alpc_openvmm"
#define PORT_TEST_PREFIX "alpc-ov"
#include "port_test.h"

/* the wrapper's default payload, and its port flags: requests, duplicated and indirect handles */
#define OV_MAX_DATA     512
#define OV_PORT_FLAGS   (0x20000 | ALPC_PORFLG_ALLOW_DUP_OBJECT | ALPC_PORFLG_ALLOW_MULTIHANDLE_ATTRIBUTE)
#define OV_OBJECT_TYPES 0xffd
#define OV_VIEW_SIZE    4096

typedef struct
{
    TEST_PORT_MESSAGE h;
    char data[OV_MAX_DATA];
} ov_msg;

/* the receive attributes: context, handle and view */
typedef struct
{
    ALPC_MESSAGE_ATTRIBUTES header;
    char blocks[0x80];
} ov_attrs;

static void ov_port_attrs( ALPC_PORT_ATTRIBUTES *attrs, BOOL waitable )
{
    memset( attrs, 0, sizeof(*attrs) );
    attrs->Flags = OV_PORT_FLAGS | (waitable ? ALPC_PORFLG_WAITABLE_PORT : 0);
    attrs->DupObjectTypes = OV_OBJECT_TYPES;
    attrs->MaxMessageLength = OV_MAX_DATA + HDR_SIZE;
    attrs->MaxPoolUsage = ~(SIZE_T)0;
    attrs->MaxSectionSize = ~(SIZE_T)0;
    attrs->MaxViewSize = ~(SIZE_T)0;
    attrs->MaxTotalSectionSize = ~(SIZE_T)0;
}

/* a header with nothing but the lengths, as the wrapper builds every message it sends */
static void ov_set( ov_msg *msg, const void *data, SHORT len )
{
    memset( &msg->h, 0, sizeof(msg->h) );
    msg->h.u1.s1.DataLength = len;
    msg->h.u1.s1.TotalLength = HDR_SIZE + len;
    if (len) memcpy( msg->data, data, len );
}

/* ... and an answer names what it answers by MessageId and CallbackId alone */
static void ov_answer( ov_msg *msg, const ov_msg *request, const void *data, SHORT len )
{
    ov_set( msg, data, len );
    msg->h.MessageId = request->h.MessageId;
    msg->h.CallbackId = request->h.CallbackId;
}

static ALPC_MESSAGE_ATTRIBUTES *ov_recv_attrs( ov_attrs *attrs )
{
    SIZE_T needed = 0;
    NTSTATUS status;

    status = AlpcInitializeMessageAttribute( ALPC_MESSAGE_CONTEXT_ATTRIBUTE | ALPC_MESSAGE_HANDLE_ATTRIBUTE |
                                             ALPC_MESSAGE_VIEW_ATTRIBUTE, &attrs->header, sizeof(*attrs), &needed );
    ok( status == STATUS_SUCCESS, "AlpcInitializeMessageAttribute failed: %#lx\n", status );
    attrs->header.ValidAttributes = 0;
    return &attrs->header;
}

static void *ov_attr( ov_attrs *attrs, ULONG flag )
{
    if (!(attrs->header.ValidAttributes & flag)) return NULL;
    return AlpcGetMessageAttribute( &attrs->header, flag );
}

static HANDLE ov_create( char *name, const char *tag, BOOL waitable )
{
    ALPC_PORT_ATTRIBUTES attrs;
    OBJECT_ATTRIBUTES attr;
    UNICODE_STRING str;
    WCHAR buffer[MAX_PATH];
    HANDLE port = NULL;
    NTSTATUS status;

    make_name( name, bno_dir, tag );
    init_attr( &attr, &str, buffer, name );
    ov_port_attrs( &attrs, waitable );
    status = NtAlpcCreatePort( &port, &attr, &attrs );
    ok( status == STATUS_SUCCESS, "NtAlpcCreatePort failed: %#lx\n", status );
    return port;
}

/* NtAlpcConnectPortEx, flags 0, no connection message when there is no data: asynchronous */
static HANDLE ov_connect( const char *name, BOOL waitable )
{
    ALPC_PORT_ATTRIBUTES attrs;
    OBJECT_ATTRIBUTES attr;
    UNICODE_STRING str;
    WCHAR buffer[MAX_PATH];
    HANDLE port = NULL;
    NTSTATUS status;

    init_attr( &attr, &str, buffer, name );
    ov_port_attrs( &attrs, waitable );
    status = NtAlpcConnectPortEx( &port, &attr, NULL, &attrs, 0, NULL, NULL, NULL, NULL, NULL, NULL );
    ok( status == STATUS_SUCCESS, "NtAlpcConnectPortEx failed: %#lx\n", status );
    return port;
}

/* a receive as the wrapper's: the whole buffer, all three attributes */
static NTSTATUS ov_recv( HANDLE port, ov_msg *msg, ov_attrs *attrs, DWORD ms )
{
    LARGE_INTEGER timeout;
    SIZE_T len = sizeof(*msg);
    NTSTATUS status;

    memset( msg, 0, sizeof(*msg) );
    status = NtAlpcSendWaitReceivePort( port, 0, NULL, NULL, (PORT_MESSAGE *)&msg->h, &len, ov_recv_attrs( attrs ),
                                        relative_timeout( &timeout, ms ));
    if (status == STATUS_TIMEOUT && ms) note_timeout();
    return status;
}

#define ov_expect(p, m, a, t) ov_expect_(__FILE__, __LINE__, p, m, a, t)
static BOOL ov_expect_( const char *file, int line, HANDLE port, ov_msg *msg, ov_attrs *attrs, int type )
{
    NTSTATUS status = ov_recv( port, msg, attrs, CLIENT_WAIT );

    ok_(file, line)( status == STATUS_SUCCESS, "waiting for type %d: %#lx\n", type, status );
    if (status) return FALSE;
    ok_(file, line)( MSG_TYPE( msg ) == type, "type %#x, expected %d\n", msg->h.u2.s2.Type, type );
    return MSG_TYPE( msg ) == type;
}

static NTSTATUS ov_send( HANDLE port, ULONG flags, ov_msg *msg, ALPC_MESSAGE_ATTRIBUTES *attrs )
{
    return NtAlpcSendWaitReceivePort( port, flags, (PORT_MESSAGE *)&msg->h, attrs, NULL, NULL, NULL, NULL );
}

/* the server accepts with an empty message and a zeroed header */
static HANDLE ov_accept( HANDLE server, const ov_msg *request, ULONG_PTR context, BOOL accept )
{
    ALPC_PORT_ATTRIBUTES attrs;
    HANDLE comm = NULL;
    NTSTATUS status;
    ov_msg answer;

    ov_answer( &answer, request, NULL, 0 );
    ov_port_attrs( &attrs, FALSE );
    status = NtAlpcAcceptConnectPort( &comm, server, 0, NULL, accept ? &attrs : NULL, (void *)context,
                                      (PORT_MESSAGE *)&answer.h, NULL, accept );
    ok( status == STATUS_SUCCESS, "NtAlpcAcceptConnectPort(%d) failed: %#lx\n", accept, status );
    return comm;
}

/* OV connected_pair: server, its communication port and the client, in this thread */
struct ov_pair
{
    char   name[MAX_PATH];
    HANDLE server, comm, client;
};

static BOOL ov_pair_open( struct ov_pair *p, const char *tag, BOOL waitable, ULONG_PTR context )
{
    ov_attrs attrs;
    ov_msg msg;

    memset( p, 0, sizeof(*p) );
    if (!(p->server = ov_create( p->name, tag, waitable ))) return FALSE;
    if (!(p->client = ov_connect( p->name, waitable ))) return FALSE;
    if (!ov_expect( p->server, &msg, &attrs, LPC_CONNECTION_REQUEST )) return FALSE;
    ok( msg.h.u1.s1.DataLength == 0, "connection data %d\n", msg.h.u1.s1.DataLength );
    ok( HandleToULong( msg.h.ClientId.UniqueProcess ) == GetCurrentProcessId(), "pid %p\n",
        msg.h.ClientId.UniqueProcess );
    if (!(p->comm = ov_accept( p->server, &msg, context, TRUE ))) return FALSE;
    if (!ov_expect( p->client, &msg, &attrs, LPC_CONNECTION_REPLY )) return FALSE;
    ok( msg.h.u1.s1.DataLength == 0, "reply data %d\n", msg.h.u1.s1.DataLength );
    return TRUE;
}

static void ov_pair_close( struct ov_pair *p )
{
    close_handle( &p->client );
    close_handle( &p->comm );
    close_handle( &p->server );
}


/* OV test_connect, test_reject */
static void test_connect_reject(void)
{
    struct ov_pair p;
    char name[MAX_PATH];
    HANDLE server, client;
    ov_attrs attrs;
    NTSTATUS status;
    ov_msg msg;

    if (ov_pair_open( &p, "connect", FALSE, 0 )) ok( 1, "connected\n" );
    ov_pair_close( &p );

    if (!(server = ov_create( name, "reject", FALSE ))) return;
    if ((client = ov_connect( name, FALSE )))
    {
        if (ov_expect( server, &msg, &attrs, LPC_CONNECTION_REQUEST )) ov_accept( server, &msg, 0, FALSE );
        /* the wrapper's receive fails with what Windows maps to ERROR_ACCESS_DENIED */
        status = ov_recv( client, &msg, &attrs, CLIENT_WAIT );
        ok( !NT_SUCCESS( status ) && RtlNtStatusToDosError( status ) == ERROR_ACCESS_DENIED,
            "receive after a refusal: %#lx\n", status );
        NtClose( client );
    }
    NtClose( server );
}

/* OV test_send_recv, test_send_lots, test_port_context, test_disconnect */
static void test_datagrams(void)
{
    struct ov_pair p;
    ALPC_CONTEXT_ATTR *context;
    ov_attrs attrs;
    NTSTATUS status;
    ov_msg msg;
    ULONG i;

    if (ov_pair_open( &p, "datagrams", FALSE, 0xbadf00d ))
    {
        ov_set( &msg, "abc", 3 );
        status = ov_send( p.client, ALPC_MSGFLG_RELEASE_MESSAGE, &msg, NULL );
        ok( status == STATUS_SUCCESS, "datagram failed: %#lx\n", status );
        if (ov_expect( p.server, &msg, &attrs, LPC_DATAGRAM ))
        {
            /* nothing to release: no reply needed */
            ok( !(msg.h.u2.s2.Type & LPC_CONTINUATION_REQUIRED), "type %#x\n", msg.h.u2.s2.Type );
            ok( msg.h.u1.s1.DataLength == 3 && !memcmp( msg.data, "abc", 3 ), "data %s\n",
                wine_dbgstr_an( msg.data, msg.h.u1.s1.DataLength ));
            context = ov_attr( &attrs, ALPC_MESSAGE_CONTEXT_ATTRIBUTE );
            ok( context && context->PortContext == (void *)0xbadf00d, "port context %p\n",
                context ? context->PortContext : NULL );
        }

        /* 10000 in order */
        for (i = 0; i < 10000; i++)
        {
            ov_set( &msg, &i, sizeof(i) );
            status = ov_send( p.client, ALPC_MSGFLG_RELEASE_MESSAGE, &msg, NULL );
            if (status) break;
        }
        ok( status == STATUS_SUCCESS, "datagram %lu failed: %#lx\n", i, status );
        for (i = 0; i < 10000; i++)
        {
            if ((status = ov_recv( p.server, &msg, &attrs, CLIENT_WAIT ))) break;
            if (MSG_TYPE( &msg ) != LPC_DATAGRAM || msg.h.u1.s1.DataLength != sizeof(i) ||
                memcmp( msg.data, &i, sizeof(i) ))
                break;
        }
        ok( i == 10000, "datagram %lu: status %#lx type %#x\n", i, status, msg.h.u2.s2.Type );

        /* the client goes: LPC_PORT_CLOSED */
        close_handle( &p.client );
        ov_expect( p.server, &msg, &attrs, LPC_PORT_CLOSED );
    }
    ov_pair_close( &p );
}

/* OV test_send_then_close: the data is thrown away, LPC_CANCELED says a message was sent */
static void test_send_then_close(void)
{
    struct ov_pair p;
    ov_attrs attrs;
    NTSTATUS status;
    ov_msg msg;

    if (ov_pair_open( &p, "send-close", FALSE, 0 ))
    {
        ov_set( &msg, "abc", 3 );
        status = ov_send( p.client, ALPC_MSGFLG_RELEASE_MESSAGE, &msg, NULL );
        ok( status == STATUS_SUCCESS, "datagram failed: %#lx\n", status );
        close_handle( &p.client );
        if (ov_expect( p.server, &msg, &attrs, LPC_CANCELED ))
            ok( msg.h.u1.s1.DataLength == 0, "data %d\n", msg.h.u1.s1.DataLength );
        ov_expect( p.server, &msg, &attrs, LPC_PORT_CLOSED );
    }
    ov_pair_close( &p );
}

/* OV test_handle_passing: one handle; the receiver asks for it twice, owns and
 * closes what it gets, then releases the datagram with an empty reply */
static void test_handle_passing(void)
{
    ALPC_MESSAGE_HANDLE_INFORMATION info;
    ALPC_HANDLE_ATTR *handle_attr;
    struct ov_pair p;
    HANDLE event, got[2] = { 0 };
    struct { ALPC_MESSAGE_ATTRIBUTES header; ALPC_HANDLE_ATTR handle; } send_attrs;
    SIZE_T needed;
    ov_attrs attrs;
    NTSTATUS status;
    ov_msg msg, answer;
    ULONG i, count;
    int round;

    if (!ov_pair_open( &p, "handles", FALSE, 0 )) goto done;
    event = CreateEventA( NULL, FALSE, FALSE, NULL );
    AlpcInitializeMessageAttribute( ALPC_MESSAGE_HANDLE_ATTRIBUTE, &send_attrs.header, sizeof(send_attrs), &needed );
    send_attrs.header.ValidAttributes = ALPC_MESSAGE_HANDLE_ATTRIBUTE;
    memset( &send_attrs.handle, 0, sizeof(send_attrs.handle) );
    send_attrs.handle.Flags = ALPC_HANDLEFLG_DUPLICATE_SAME_ACCESS;
    send_attrs.handle.Handle = event;
    ov_set( &msg, NULL, 0 );
    status = ov_send( p.client, ALPC_MSGFLG_RELEASE_MESSAGE, &msg, &send_attrs.header );
    ok( status == STATUS_SUCCESS, "datagram with a handle failed: %#lx\n", status );

    if (!ov_expect( p.server, &msg, &attrs, LPC_DATAGRAM )) goto done;
    ok( msg.h.u2.s2.Type & LPC_CONTINUATION_REQUIRED, "type %#x\n", msg.h.u2.s2.Type );
    handle_attr = ov_attr( &attrs, ALPC_MESSAGE_HANDLE_ATTRIBUTE );
    ok( handle_attr != NULL, "no handle attribute\n" );
    if (!handle_attr) goto done;
    /* the wrapper takes the attribute's third field for the number of handles */
    count = handle_attr->HandleCount;
    ok( count == 1, "HandleCount %lu\n", count );
    if (handle_attr->Handle && !(handle_attr->Flags & ALPC_HANDLEFLG_INDIRECT)) CloseHandle( handle_attr->Handle );
    for (round = 0; round < 2; round++)
    {
        for (i = 0; i < count; i++)
        {
            memset( &info, 0, sizeof(info) );
            info.Index = i;
            status = NtAlpcQueryInformationMessage( p.server, (PORT_MESSAGE *)&msg.h, AlpcMessageHandleInformation,
                                                    &info, sizeof(info), NULL );
            ok( status == STATUS_SUCCESS, "round %d, handle %lu: %#lx\n", round, i, status );
            if (!status) got[round] = ULongToHandle( info.Handle );
        }
        /* the first round's handles are dropped */
        if (!round) close_handle( &got[0] );
    }
    ov_answer( &answer, &msg, NULL, 0 );
    status = ov_send( p.server, ALPC_MSGFLG_RELEASE_MESSAGE, &answer, NULL );
    ok( status == STATUS_SUCCESS, "reply to the datagram failed: %#lx\n", status );
    /* the handle the receiver kept is its own */
    ok( got[1] && SetEvent( got[1] ), "SetEvent failed: %lu\n", GetLastError() );
    ok( !WaitForSingleObject( event, 0 ), "the sender's event is not set\n" );
    close_handle( &got[1] );
    CloseHandle( event );
done:
    ov_pair_close( &p );
}

/* libalpc (LA) releases a received message it will not answer with
 * NtAlpcCancelMessage instead of a reply: the kept datagram goes (guess: what
 * it passed cannot be asked for after that, and a reply finds nothing) */
static void test_release_by_cancel(void)
{
    ALPC_MESSAGE_HANDLE_INFORMATION info;
    ALPC_CONTEXT_ATTR context;
    struct { ALPC_MESSAGE_ATTRIBUTES header; ALPC_HANDLE_ATTR handle; } send_attrs;
    struct ov_pair p;
    HANDLE event = NULL;
    SIZE_T needed;
    ov_attrs attrs;
    NTSTATUS status;
    ov_msg msg, answer;

    if (!ov_pair_open( &p, "cancel-release", FALSE, 0 )) goto done;
    event = CreateEventA( NULL, FALSE, FALSE, NULL );
    AlpcInitializeMessageAttribute( ALPC_MESSAGE_HANDLE_ATTRIBUTE, &send_attrs.header, sizeof(send_attrs), &needed );
    send_attrs.header.ValidAttributes = ALPC_MESSAGE_HANDLE_ATTRIBUTE;
    memset( &send_attrs.handle, 0, sizeof(send_attrs.handle) );
    send_attrs.handle.Flags = ALPC_HANDLEFLG_DUPLICATE_SAME_ACCESS;
    send_attrs.handle.Handle = event;
    ov_set( &msg, NULL, 0 );
    status = ov_send( p.client, ALPC_MSGFLG_RELEASE_MESSAGE, &msg, &send_attrs.header );
    ok( status == STATUS_SUCCESS, "datagram with a handle failed: %#lx\n", status );
    if (!ov_expect( p.server, &msg, &attrs, LPC_DATAGRAM )) goto done;
    ok( msg.h.u2.s2.Type & LPC_CONTINUATION_REQUIRED, "type %#x\n", msg.h.u2.s2.Type );
    if (ov_attr( &attrs, ALPC_MESSAGE_HANDLE_ATTRIBUTE ))
        CloseHandle( ((ALPC_HANDLE_ATTR *)ov_attr( &attrs, ALPC_MESSAGE_HANDLE_ATTRIBUTE ))->Handle );

    memset( &context, 0, sizeof(context) );
    context.MessageId = msg.h.MessageId;
    context.CallbackId = msg.h.CallbackId;
    status = NtAlpcCancelMessage( p.server, 0, &context );
    ok( status == STATUS_SUCCESS, "NtAlpcCancelMessage of a received datagram failed: %#lx\n", status );
    memset( &info, 0, sizeof(info) );
    status = NtAlpcQueryInformationMessage( p.server, (PORT_MESSAGE *)&msg.h, AlpcMessageHandleInformation,
                                            &info, sizeof(info), NULL );
    ok( !NT_SUCCESS( status ), "query after the cancel: %#lx\n", status );
    if (NT_SUCCESS( status )) CloseHandle( ULongToHandle( info.Handle ));
    ov_answer( &answer, &msg, NULL, 0 );
    status = ov_send( p.server, ALPC_MSGFLG_RELEASE_MESSAGE, &answer, NULL );
    ok( status == STATUS_REPLY_MESSAGE_MISMATCH, "reply after the cancel: %#lx\n", status );
done:
    if (event) CloseHandle( event );
    ov_pair_close( &p );
}

/* OV test_request_reply: the server asks the client, on waitable ports */
static void test_request_reply(void)
{
    struct ov_pair p;
    ov_attrs attrs;
    NTSTATUS status;
    ov_msg msg, answer;

    if (ov_pair_open( &p, "request", TRUE, 0 ))
    {
        ov_set( &msg, "abc", 3 );
        status = ov_send( p.comm, 0, &msg, NULL );
        ok( status == STATUS_SUCCESS, "request failed: %#lx\n", status );
        if (ov_expect( p.client, &msg, &attrs, LPC_REQUEST ))
        {
            ok( msg.h.u1.s1.DataLength == 3 && !memcmp( msg.data, "abc", 3 ), "data %s\n",
                wine_dbgstr_an( msg.data, msg.h.u1.s1.DataLength ));
            ok( msg.h.u2.s2.Type & LPC_CONTINUATION_REQUIRED, "type %#x\n", msg.h.u2.s2.Type );
            ov_answer( &answer, &msg, "def", 3 );
            status = ov_send( p.client, ALPC_MSGFLG_RELEASE_MESSAGE, &answer, NULL );
            ok( status == STATUS_SUCCESS, "reply failed: %#lx\n", status );
        }
        if (ov_expect( p.server, &msg, &attrs, LPC_REPLY ))
            ok( msg.h.u1.s1.DataLength == 3 && !memcmp( msg.data, "def", 3 ), "data %s\n",
                wine_dbgstr_an( msg.data, msg.h.u1.s1.DataLength ));
    }
    ov_pair_close( &p );
}

/* the receiving half of test_view, in this thread or in a child process: the view
 * holds 0xcd throughout, cannot be written, and a reply with UNMAP_EXISTING and
 * no view of its own releases it */
static void receive_secured_view( HANDLE port, HANDLE written )
{
    MEMORY_BASIC_INFORMATION mbi;
    ALPC_DATA_VIEW_ATTR *view;
    struct { ALPC_MESSAGE_ATTRIBUTES header; ALPC_DATA_VIEW_ATTR view; } send_attrs;
    SIZE_T needed, i;
    ov_attrs attrs;
    NTSTATUS status;
    ov_msg msg, answer;
    const BYTE *data;

    if (!ov_expect( port, &msg, &attrs, LPC_REQUEST )) return;
    view = ov_attr( &attrs, ALPC_MESSAGE_VIEW_ATTRIBUTE );
    ok( view != NULL, "no view attribute\n" );
    if (!view) return;
    ok( view->Flags & ALPC_VIEWFLG_SECURED_ACCESS, "view flags %#lx\n", view->Flags );
    ok( view->ViewSize >= OV_VIEW_SIZE, "view size %Iu\n", view->ViewSize );
    data = view->ViewBase;
    for (i = 0; i < OV_VIEW_SIZE; i++) if (data[i] != 0xcd) break;
    ok( i == OV_VIEW_SIZE, "byte %Iu is %#x\n", i, i < OV_VIEW_SIZE ? data[i] : 0 );

    /* guess: the sender writing its own view afterwards changes nothing here, and
     * this copy cannot be written either (immutable, as the wrapper relies on) */
    ok( !WaitForSingleObject( written, CLIENT_WAIT ), "the sender did not write its view\n" );
    for (i = 0; i < OV_VIEW_SIZE; i++) if (data[i] != 0xcd) break;
    ok( i == OV_VIEW_SIZE, "after the sender wrote: byte %Iu is %#x\n", i, i < OV_VIEW_SIZE ? data[i] : 0 );
    VirtualQuery( view->ViewBase, &mbi, sizeof(mbi) );
    ok( mbi.Protect == PAGE_READONLY, "the secured view's protection is %#lx\n", mbi.Protect );

    AlpcInitializeMessageAttribute( ALPC_MESSAGE_VIEW_ATTRIBUTE, &send_attrs.header, sizeof(send_attrs), &needed );
    send_attrs.header.ValidAttributes = ALPC_MESSAGE_VIEW_ATTRIBUTE;
    memset( &send_attrs.view, 0, sizeof(send_attrs.view) );
    send_attrs.view.Flags = ALPC_VIEWFLG_UNMAP_EXISTING;
    ov_answer( &answer, &msg, NULL, 0 );
    status = ov_send( port, ALPC_MSGFLG_RELEASE_MESSAGE, &answer, &send_attrs.header );
    ok( status == STATUS_SUCCESS, "reply releasing the view failed: %#lx\n", status );
    /* guess: released means unmapped */
    VirtualQuery( view->ViewBase, &mbi, sizeof(mbi) );
    ok( mbi.State == MEM_FREE, "the view is still there: state %#lx\n", mbi.State );
}

static void client_view( const char *name )
{
    char event_name[MAX_PATH];
    HANDLE port, written;

    sprintf( event_name, "%s-written", leaf( name ));
    written = OpenEventA( SYNCHRONIZE, FALSE, event_name );
    ok( written != NULL, "OpenEvent failed: %lu\n", GetLastError() );
    if (!written) return;
    if ((port = ov_connect( name, TRUE )))
    {
        ov_attrs attrs;
        ov_msg msg;

        if (ov_expect( port, &msg, &attrs, LPC_CONNECTION_REPLY ) && wait_for_go( name ))
            receive_secured_view( port, written );
        NtClose( port );
    }
    CloseHandle( written );
}

/* OV test_view: a secure port section, a view of it filled and sent with a request,
 * AUTO_RELEASE and SECURED_ACCESS; the client in this thread or in a child process */
static void test_view( BOOL process )
{
    ALPC_DATA_VIEW_ATTR view;
    struct { ALPC_MESSAGE_ATTRIBUTES header; ALPC_DATA_VIEW_ATTR view; } send_attrs;
    struct client client;
    ALPC_HANDLE section = NULL;
    HANDLE server = NULL, comm = NULL, go = NULL, written = NULL;
    char name[MAX_PATH];
    SIZE_T actual = 0, needed;
    ov_attrs attrs;
    NTSTATUS status;
    ov_msg msg;

    memset( &client, 0, sizeof(client) );
    if (!(server = ov_create( name, "view", TRUE ))) goto done;
    go = create_event( name, "go" );
    written = create_event( name, "written" );
    if (!start_client( &client, process, "view", name )) goto done;
    if (!ov_expect( server, &msg, &attrs, LPC_CONNECTION_REQUEST )) goto done;
    if (!(comm = ov_accept( server, &msg, 0, TRUE ))) goto done;

    status = NtAlpcCreatePortSection( comm, ALPC_VIEWFLG_SECURED_ACCESS, NULL, OV_VIEW_SIZE, &section, &actual );
    ok( status == STATUS_SUCCESS, "NtAlpcCreatePortSection(secure) failed: %#lx\n", status );
    if (status) goto done;
    memset( &view, 0, sizeof(view) );
    view.SectionHandle = section;
    view.ViewSize = OV_VIEW_SIZE;
    status = NtAlpcCreateSectionView( comm, 0, &view );
    ok( status == STATUS_SUCCESS, "NtAlpcCreateSectionView failed: %#lx\n", status );
    if (status) goto done;
    memset( view.ViewBase, 0xcd, OV_VIEW_SIZE );

    AlpcInitializeMessageAttribute( ALPC_MESSAGE_VIEW_ATTRIBUTE, &send_attrs.header, sizeof(send_attrs), &needed );
    send_attrs.header.ValidAttributes = ALPC_MESSAGE_VIEW_ATTRIBUTE;
    send_attrs.view = view;
    send_attrs.view.Flags = ALPC_VIEWFLG_AUTO_RELEASE | ALPC_VIEWFLG_SECURED_ACCESS;
    ov_set( &msg, NULL, 0 );
    status = ov_send( comm, 0, &msg, &send_attrs.header );
    ok( status == STATUS_SUCCESS, "request with a secured view failed: %#lx\n", status );
    SetEvent( go );
    /* the sender may still write its own view: the receiver's does not change */
    memset( view.ViewBase, 0xee, OV_VIEW_SIZE );
    SetEvent( written );

    if (ov_expect( server, &msg, &attrs, LPC_REPLY ))
    {
        MEMORY_BASIC_INFORMATION mbi;
        DWORD start = GetTickCount();

        ok( msg.h.u1.s1.DataLength == 0, "reply data %d\n", msg.h.u1.s1.DataLength );
        /* guess: AUTO_RELEASE gave the sender's view to the message, which the
         * receiver has released: it goes (the wrapper never unmaps it itself) */
        do
        {
            VirtualQuery( view.ViewBase, &mbi, sizeof(mbi) );
            if (mbi.State == MEM_FREE) break;
            Sleep( 10 );
        } while (GetTickCount() - start < CLIENT_WAIT);
        ok( mbi.State == MEM_FREE, "the sender's view is still there: state %#lx\n", mbi.State );
    }
done:
    finish_client( &client );
    if (section) NtAlpcDeletePortSection( comm, 0, section );
    close_handle( &comm );
    close_handle( &server );
    close_handle( &go );
    close_handle( &written );
}

/* guess: a view can be sent secured only from a section made secure (the wrapper says
 * "this only works if the underlying section was created with new_secure") */
static void test_view_not_secure(void)
{
    struct { ALPC_MESSAGE_ATTRIBUTES header; ALPC_DATA_VIEW_ATTR view; } send_attrs;
    ALPC_DATA_VIEW_ATTR view;
    ALPC_HANDLE section = NULL;
    struct ov_pair p;
    SIZE_T actual, needed;
    NTSTATUS status;
    ov_msg msg;

    if (!ov_pair_open( &p, "not-secure", FALSE, 0 )) goto done;
    status = NtAlpcCreatePortSection( p.comm, 0, NULL, OV_VIEW_SIZE, &section, &actual );
    ok( status == STATUS_SUCCESS, "NtAlpcCreatePortSection failed: %#lx\n", status );
    if (status) goto done;
    memset( &view, 0, sizeof(view) );
    view.SectionHandle = section;
    view.ViewSize = OV_VIEW_SIZE;
    status = NtAlpcCreateSectionView( p.comm, 0, &view );
    ok( status == STATUS_SUCCESS, "NtAlpcCreateSectionView failed: %#lx\n", status );
    if (status) goto done;
    AlpcInitializeMessageAttribute( ALPC_MESSAGE_VIEW_ATTRIBUTE, &send_attrs.header, sizeof(send_attrs), &needed );
    send_attrs.header.ValidAttributes = ALPC_MESSAGE_VIEW_ATTRIBUTE;
    send_attrs.view = view;
    send_attrs.view.Flags = ALPC_VIEWFLG_SECURED_ACCESS;
    ov_set( &msg, NULL, 0 );
    status = ov_send( p.comm, ALPC_MSGFLG_RELEASE_MESSAGE, &msg, &send_attrs.header );
    ok( status == STATUS_INVALID_PARAMETER, "secured view of a plain section: %#lx\n", status );
    /* guess: UNMAP_EXISTING belongs to replies, and unknown view flags are refused */
    send_attrs.view.Flags = ALPC_VIEWFLG_UNMAP_EXISTING;
    status = ov_send( p.comm, ALPC_MSGFLG_RELEASE_MESSAGE, &msg, &send_attrs.header );
    ok( status == STATUS_INVALID_PARAMETER, "UNMAP_EXISTING on a datagram: %#lx\n", status );
    send_attrs.view.Flags = 0x1;
    status = ov_send( p.comm, ALPC_MSGFLG_RELEASE_MESSAGE, &msg, &send_attrs.header );
    ok( status == STATUS_INVALID_PARAMETER, "view flag 0x1: %#lx\n", status );
    NtAlpcDeleteSectionView( p.comm, 0, view.ViewBase );
done:
    if (section) NtAlpcDeletePortSection( p.comm, 0, section );
    ov_pair_close( &p );
}


static const struct client_scenario client_scenarios[] =
{
    { "view", client_view },
};

static void run_client( const char *scenario, const char *port )
{
    run_client_scenario( client_scenarios, ARRAY_SIZE(client_scenarios), scenario, port );
}

START_TEST(alpc_openvmm)
{
    int argc = winetest_get_mainargs( &test_argv );

    if (argc >= 5 && !strcmp( test_argv[2], "client" ))
    {
        start_watchdog( 60000 );
        run_client( test_argv[3], test_argv[4] );
        return;
    }
    start_watchdog( 150000 );

#define RUN(call) do { if (!too_many_timeouts()) call; } while (0)
    RUN( test_connect_reject() );
    RUN( test_datagrams() );
    RUN( test_send_then_close() );
    RUN( test_handle_passing() );
    RUN( test_release_by_cancel() );
    RUN( test_request_reply() );
    RUN( test_view( FALSE ) );
    RUN( test_view( TRUE ) );
    RUN( test_view_not_secure() );
#undef RUN
}
