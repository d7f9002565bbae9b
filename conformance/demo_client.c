/*
 * wine-lpc ALPC demo: a client
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
 * "client N PORTNAME": connects to the demo server's ALPC port, waits for
 * the server's datagram saying that every client is connected, sends a
 * datagram, makes synchronous requests, passes an event handle that the
 * server sets, passes 1 MiB through a port view (client 1 only), says bye,
 * disconnects and closes its port.  Exits 0 only if every answer was right.
 *
 * The same file builds into the mingw-w64 demo.exe (with demo.c) and, with
 * DEMO_CLIENT_MAIN defined, alone as a Winelib program with winegcc.
 */

#include "demo.h"

#ifdef __WINE__
#define DEMO_FLAVOUR "Winelib (winegcc)"
#else
#define DEMO_FLAVOUR "mingw-w64"
#endif

static ULONG client_number;

/* A synchronous request: sent, and its reply received, in one call.  The
 * timeout should end the wait; wine-lpc does not honour it yet for
 * ALPC_MSGFLG_SYNC_REQUEST, so the watchdog is what bounds this wait. */
static BOOL request( HANDLE port, struct demo_msg *msg, ALPC_MESSAGE_ATTRIBUTES *send_attrs,
                     union demo_buffer *reply )
{
    LARGE_INTEGER timeout;
    SIZE_T len = sizeof(*reply);
    NTSTATUS status;

    memset( reply, 0, sizeof(*reply) );
    status = NtAlpcSendWaitReceivePort( port, ALPC_MSGFLG_SYNC_REQUEST, (PORT_MESSAGE *)&msg->h, send_attrs,
                                        (PORT_MESSAGE *)&reply->h, &len, NULL,
                                        demo_timeout( &timeout, DEMO_WAIT_MS ) );
    if (status)
    {
        say( "FAILED: synchronous request (op %u) -> %#x", (unsigned)msg->d.op, (unsigned)status );
        return FALSE;
    }
    if (DEMO_MSG_TYPE( &reply->h ) != LPC_REPLY || reply->h.u1.s1.DataLength != sizeof(reply->msg.d) ||
        len != sizeof(reply->msg))
    {
        say( "FAILED: the reply has type %#x, %d bytes of data, length %u", (unsigned)reply->h.u2.s2.Type,
             reply->h.u1.s1.DataLength, (unsigned)len );
        return FALSE;
    }
    return TRUE;
}

static HANDLE connect_port( const char *port_name )
{
    ALPC_PORT_ATTRIBUTES attrs;
    LARGE_INTEGER timeout;
    UNICODE_STRING name;
    WCHAR buffer[MAX_PATH];
    union demo_buffer conn;
    SIZE_T len = sizeof(conn);
    HANDLE port = NULL;
    NTSTATUS status;

    demo_unicode( &name, buffer, MAX_PATH, port_name );
    demo_port_attributes( &attrs );
    demo_init_message( &conn.msg, OP_HELLO, client_number );
    snprintf( conn.msg.d.text, sizeof(conn.msg.d.text), "hello from client %u", (unsigned)client_number );
    say( "connecting to %s, connection message \"%s\"", port_name, conn.msg.d.text );
    status = NtAlpcConnectPort( &port, &name, NULL, &attrs, ALPC_SYNC_CONNECTION, NULL, (PORT_MESSAGE *)&conn.h,
                                &len, NULL, NULL, demo_timeout( &timeout, DEMO_WAIT_MS ) );
    if (status)
    {
        say( "FAILED: NtAlpcConnectPort -> %#x", (unsigned)status );
        return NULL;
    }
    conn.msg.d.text[sizeof(conn.msg.d.text) - 1] = 0;
    say( "connected; the server's accept message: \"%s\"", conn.msg.d.text );
    if (conn.h.u1.s1.DataLength != sizeof(conn.msg.d) || strncmp( conn.msg.d.text, "welcome, client ", 16 ))
    {
        say( "FAILED: not the accept message expected (%d bytes)", conn.h.u1.s1.DataLength );
        NtClose( port );
        return NULL;
    }
    return port;
}

/* the server's datagram that says every client is connected */
static BOOL wait_for_go( HANDLE port )
{
    LARGE_INTEGER timeout;
    union demo_buffer msg;
    SIZE_T len = sizeof(msg);
    NTSTATUS status;

    memset( &msg, 0, sizeof(msg) );
    status = NtAlpcSendWaitReceivePort( port, 0, NULL, NULL, (PORT_MESSAGE *)&msg.h, &len, NULL,
                                        demo_timeout( &timeout, 2 * DEMO_WAIT_MS ) );
    if (status)
    {
        say( "FAILED: waiting for the server's go -> %#x", (unsigned)status );
        return FALSE;
    }
    msg.msg.d.text[sizeof(msg.msg.d.text) - 1] = 0;
    if (DEMO_MSG_TYPE( &msg.h ) != LPC_DATAGRAM || msg.h.u1.s1.DataLength != sizeof(msg.msg.d) ||
        msg.msg.d.op != OP_GO)
    {
        say( "FAILED: expected the server's go, got %s (%#x) of %d bytes", demo_type_name( DEMO_MSG_TYPE( &msg.h ) ),
             (unsigned)msg.h.u2.s2.Type, msg.h.u1.s1.DataLength );
        return FALSE;
    }
    say( "datagram from the server: \"%s\"", msg.msg.d.text );
    return TRUE;
}

static BOOL send_datagram( HANDLE port )
{
    struct demo_msg msg;
    NTSTATUS status;

    demo_init_message( &msg, OP_TEXT, client_number );
    snprintf( msg.d.text, sizeof(msg.d.text), "a datagram from client %u", (unsigned)client_number );
    status = NtAlpcSendWaitReceivePort( port, ALPC_MSGFLG_RELEASE_MESSAGE, (PORT_MESSAGE *)&msg.h, NULL,
                                        NULL, NULL, NULL, NULL );
    say( "sent datagram \"%s\" -> %#x", msg.d.text, (unsigned)status );
    return !status;
}

static BOOL request_upper( HANDLE port )
{
    union demo_buffer reply;
    struct demo_msg msg;
    char expect[96];
    unsigned int i;

    demo_init_message( &msg, OP_UPPER, client_number );
    snprintf( msg.d.text, sizeof(msg.d.text), "alpc request from client %u", (unsigned)client_number );
    strcpy( expect, msg.d.text );
    for (i = 0; expect[i]; i++) if (expect[i] >= 'a' && expect[i] <= 'z') expect[i] -= 'a' - 'A';
    say( "request: uppercase \"%s\"", msg.d.text );
    if (!request( port, &msg, NULL, &reply )) return FALSE;
    reply.msg.d.text[sizeof(reply.msg.d.text) - 1] = 0;
    say( "reply to message %u: \"%s\"", (unsigned)reply.h.MessageId, reply.msg.d.text );
    if (strcmp( reply.msg.d.text, expect ))
    {
        say( "FAILED: expected \"%s\"", expect );
        return FALSE;
    }
    return TRUE;
}

static BOOL request_add( HANDLE port )
{
    union demo_buffer reply;
    struct demo_msg msg;
    LONG expect = 0;
    ULONG i;

    demo_init_message( &msg, OP_ADD, client_number );
    msg.d.count = 4;
    for (i = 0; i < msg.d.count; i++) expect += msg.d.numbers[i] = 10 * client_number + i;
    say( "request: add %d + %d + %d + %d", (int)msg.d.numbers[0], (int)msg.d.numbers[1],
         (int)msg.d.numbers[2], (int)msg.d.numbers[3] );
    if (!request( port, &msg, NULL, &reply )) return FALSE;
    say( "reply to message %u: %d", (unsigned)reply.h.MessageId, (int)reply.msg.d.result );
    if (reply.msg.d.result != expect)
    {
        say( "FAILED: expected %d", (int)expect );
        return FALSE;
    }
    return TRUE;
}

/* an event travels in a handle attribute; the server sets it through its own handle */
static BOOL request_signal( HANDLE port )
{
    union demo_attr_buffer attrs;
    ALPC_HANDLE_ATTR *handle_attr;
    union demo_buffer reply;
    struct demo_msg msg;
    SIZE_T needed = 0;
    NTSTATUS status;
    HANDLE event;
    DWORD ret;
    BOOL ok;

    if (!(event = CreateEventA( NULL, TRUE, FALSE, NULL )))
    {
        say( "FAILED: CreateEvent, error %u", (unsigned)GetLastError() );
        return FALSE;
    }
    status = AlpcInitializeMessageAttribute( ALPC_MESSAGE_HANDLE_ATTRIBUTE, &attrs.header, sizeof(attrs), &needed );
    handle_attr = AlpcGetMessageAttribute( &attrs.header, ALPC_MESSAGE_HANDLE_ATTRIBUTE );
    if (status || !handle_attr)
    {
        say( "FAILED: AlpcInitializeMessageAttribute(handle) -> %#x, %u bytes", (unsigned)status, (unsigned)needed );
        CloseHandle( event );
        return FALSE;
    }
    memset( handle_attr, 0, sizeof(*handle_attr) );
    handle_attr->Flags = ALPC_HANDLEFLG_DUPLICATE_SAME_ACCESS;
    handle_attr->Handle = event;
    handle_attr->ObjectType = ALPC_PORFLG_OBJECT_TYPE_EVENT;
    attrs.header.ValidAttributes = ALPC_MESSAGE_HANDLE_ATTRIBUTE;

    demo_init_message( &msg, OP_SIGNAL, client_number );
    strcpy( msg.d.text, "please set this event" );
    say( "request: \"%s\", event handle %p in a handle attribute", msg.d.text, event );
    ok = request( port, &msg, &attrs.header, &reply );
    if (ok)
    {
        reply.msg.d.text[sizeof(reply.msg.d.text) - 1] = 0;
        say( "reply to message %u: \"%s\"", (unsigned)reply.h.MessageId, reply.msg.d.text );
    }
    ret = WaitForSingleObject( event, ok ? DEMO_WAIT_MS : 0 );
    if (ret == WAIT_OBJECT_0) say( "the event is signalled" );
    else
    {
        say( "FAILED: the event is not signalled (wait -> %u)", (unsigned)ret );
        ok = FALSE;
    }
    CloseHandle( event );
    return ok;
}

/* 1 MiB through a view of a port section; the message itself stays small */
static BOOL request_view( HANDLE port )
{
    union demo_attr_buffer attrs;
    ALPC_DATA_VIEW_ATTR view, *view_attr;
    ALPC_HANDLE section = NULL;
    union demo_buffer reply;
    struct demo_msg msg;
    SIZE_T actual = 0, needed = 0, i;
    NTSTATUS status;
    ULONG *words, seed = 0x5eed0000 + client_number, sum;
    BOOL ok = FALSE;

    status = NtAlpcCreatePortSection( port, 0, NULL, DEMO_VIEW_SIZE, &section, &actual );
    say( "NtAlpcCreatePortSection(1 MiB) -> %#x, section %p, actual size %#x", (unsigned)status, section,
         (unsigned)actual );
    if (status) return FALSE;

    memset( &view, 0, sizeof(view) );
    view.SectionHandle = section;
    view.ViewSize = DEMO_VIEW_SIZE;
    status = NtAlpcCreateSectionView( port, 0, &view );
    say( "NtAlpcCreateSectionView -> %#x, view at %p, %#x bytes", (unsigned)status, view.ViewBase,
         (unsigned)view.ViewSize );
    if (status || !view.ViewBase || view.ViewSize < DEMO_VIEW_SIZE) goto done;

    words = view.ViewBase;
    for (i = 0; i < DEMO_VIEW_SIZE / sizeof(ULONG); i++) words[i] = demo_pattern( seed, i );
    sum = demo_checksum( view.ViewBase, DEMO_VIEW_SIZE );

    status = AlpcInitializeMessageAttribute( ALPC_MESSAGE_VIEW_ATTRIBUTE, &attrs.header, sizeof(attrs), &needed );
    view_attr = AlpcGetMessageAttribute( &attrs.header, ALPC_MESSAGE_VIEW_ATTRIBUTE );
    if (status || !view_attr)
    {
        say( "FAILED: AlpcInitializeMessageAttribute(view) -> %#x, %u bytes", (unsigned)status, (unsigned)needed );
        goto done;
    }
    *view_attr = view;
    attrs.header.ValidAttributes = ALPC_MESSAGE_VIEW_ATTRIBUTE;

    demo_init_message( &msg, OP_VIEW, client_number );
    msg.d.seed = seed;
    strcpy( msg.d.text, "checksum of the view" );
    say( "request: checksum of the 1 MiB in the view (checksum here %#x)", (unsigned)sum );
    if (!request( port, &msg, &attrs.header, &reply )) goto done;
    reply.msg.d.text[sizeof(reply.msg.d.text) - 1] = 0;
    say( "reply to message %u: \"%s\", checksum %#x", (unsigned)reply.h.MessageId, reply.msg.d.text,
         (unsigned)reply.msg.d.checksum );
    ok = reply.msg.d.checksum == sum && reply.msg.d.result == DEMO_VIEW_SIZE;
    if (!ok) say( "FAILED: expected checksum %#x of %#x bytes", (unsigned)sum, DEMO_VIEW_SIZE );

done:
    if (view.ViewBase)
    {
        status = NtAlpcDeleteSectionView( port, 0, view.ViewBase );
        say( "NtAlpcDeleteSectionView(%p) -> %#x", view.ViewBase, (unsigned)status );
        if (status) ok = FALSE;
    }
    status = NtAlpcDeletePortSection( port, 0, section );
    say( "NtAlpcDeletePortSection -> %#x", (unsigned)status );
    if (status) ok = FALSE;
    return ok;
}

static BOOL request_bye( HANDLE port )
{
    union demo_buffer reply;
    struct demo_msg msg;

    demo_init_message( &msg, OP_BYE, client_number );
    strcpy( msg.d.text, "bye" );
    say( "request: \"bye\"" );
    if (!request( port, &msg, NULL, &reply )) return FALSE;
    reply.msg.d.text[sizeof(reply.msg.d.text) - 1] = 0;
    say( "reply to message %u: \"%s\"", (unsigned)reply.h.MessageId, reply.msg.d.text );
    return !strcmp( reply.msg.d.text, "bye" );
}

int demo_client_main( int argc, char **argv )
{
    NTSTATUS status;
    HANDLE port;
    BOOL ok = TRUE;

    if (argc == 4) client_number = strtoul( argv[2], NULL, 10 );
    if (argc != 4 || strcmp( argv[1], "client" ) || client_number < 1 || client_number > 9)
    {
        fprintf( stderr, "usage: %s client NUMBER PORTNAME\n", argv[0] );
        return 2;
    }
    snprintf( demo_side, sizeof(demo_side), "client %u", (unsigned)client_number );
    demo_start_watchdog();
    say( "started, process %u, built with %s", (unsigned)GetCurrentProcessId(), DEMO_FLAVOUR );

    if (!(port = connect_port( argv[3] ))) return 1;
    if (!wait_for_go( port ))
    {
        NtClose( port );
        return 1;
    }

    if (!send_datagram( port )) ok = FALSE;
    if (!request_upper( port )) ok = FALSE;
    if (!request_add( port )) ok = FALSE;
    if (!request_signal( port )) ok = FALSE;
    if (client_number == 1 && !request_view( port )) ok = FALSE;
    /* a datagram still queued when its port closes is dropped: the last
     * message waits for its reply */
    if (!request_bye( port )) ok = FALSE;

    status = NtAlpcDisconnectPort( port, 0 );
    say( "NtAlpcDisconnectPort -> %#x", (unsigned)status );
    if (status) ok = FALSE;
    status = NtClose( port );
    say( "closed the port -> %#x", (unsigned)status );
    if (status) ok = FALSE;

    say( ok ? "done, every answer was right" : "FAILED: see above" );
    return ok ? 0 : 1;
}

#ifdef DEMO_CLIENT_MAIN
int main( int argc, char **argv )
{
    return demo_client_main( argc, argv );
}
#endif
