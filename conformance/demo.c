/*
 * wine-lpc demo: an ALPC server and its client processes
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
 * "demo [--winelib CLIENT]": the server.  It creates the ALPC port
 * \RPC Control\wine-alpc-demo-<pid>, starts three copies of itself as
 * clients ("demo client N PORTNAME", see demo_client.c) and, with --winelib,
 * CLIENT as a fourth (the same client built with winegcc).  It accepts each
 * connection with the client's record as port context and, once all are
 * connected, sends each a datagram saying go.  It serves them all from one
 * loop on the connection port: the context attribute of each
 * message says which client sent it.  Requests are answered on the client's
 * communication port, events passed in handle attributes are set through
 * the server's new handle, a view passed by client 1 is checked here and
 * deleted.  When every client's LPC_PORT_CLOSED has come the server checks
 * the counts and the clients' exit codes.  Each side prints a line per event.
 *
 * Built with plain mingw-w64 headers and <ntdef/ntlpcapi.h>, as a user's
 * program would be.  Every wait is bounded, so the demo cannot hang.
 */

#include "demo.h"
#include "lpc_exports.h"

#define NAME_NT(n) "Nt" #n,
#define NAME(n) #n,

static const char * const export_names[] =
{
    LPC_SYSCALLS(NAME_NT)
    ALPC_SYSCALLS(NAME_NT)
    ALPC_HELPERS(NAME)
};

#define MAX_CLIENTS 4
#define MINGW_CLIENTS 3

/* one per client process; its address is the port context of its connection */
struct client
{
    ULONG    number;
    BOOL     winelib;
    HANDLE   process;
    DWORD    pid;
    HANDLE   port;          /* the server's communication port */
    BOOL     connected;
    BOOL     closed;
    unsigned datagrams;
    unsigned requests;
    unsigned handles;
    unsigned views;
    DWORD    exit_code;
};

static struct client clients[MAX_CLIENTS];
static unsigned int client_count;

static BOOL check_exports(void)
{
    HMODULE ntdll = GetModuleHandleA( "ntdll.dll" );
    unsigned int i, found = 0, total = sizeof(export_names) / sizeof(export_names[0]);

    for (i = 0; i < total; i++)
    {
        if (GetProcAddress( ntdll, export_names[i] )) found++;
        else say( "  missing export %s", export_names[i] );
    }
    say( "%u of %u LPC/ALPC exports resolve", found, total );
    return found == total;
}

static BOOL start_client( struct client *client, const char *exe, const char *port_name )
{
    char cmdline[3 * MAX_PATH];
    STARTUPINFOA si;
    PROCESS_INFORMATION pi;

    snprintf( cmdline, sizeof(cmdline), "\"%s\" client %u \"%s\"", exe, (unsigned)client->number, port_name );
    memset( &si, 0, sizeof(si) );
    si.cb = sizeof(si);
    si.dwFlags = STARTF_USESTDHANDLES;
    si.hStdInput = GetStdHandle( STD_INPUT_HANDLE );
    si.hStdOutput = GetStdHandle( STD_OUTPUT_HANDLE );
    si.hStdError = GetStdHandle( STD_ERROR_HANDLE );
    if (!CreateProcessA( exe, cmdline, NULL, NULL, TRUE, 0, NULL, NULL, &si, &pi ))
    {
        say( "FAILED: CreateProcess(%s), error %u", exe, (unsigned)GetLastError() );
        return FALSE;
    }
    CloseHandle( pi.hThread );
    client->process = pi.hProcess;
    client->pid = pi.dwProcessId;
    say( "started client %u%s, process %u", (unsigned)client->number, client->winelib ? " (Winelib)" : "",
         (unsigned)client->pid );
    return TRUE;
}

static struct client *client_of_process( HANDLE pid )
{
    unsigned int i;

    for (i = 0; i < client_count; i++)
        if (clients[i].pid == (DWORD)(ULONG_PTR)pid) return &clients[i];
    return NULL;
}

static struct client *client_of_context( void *context )
{
    unsigned int i;

    for (i = 0; i < client_count; i++)
        if (context == &clients[i]) return &clients[i];
    return NULL;
}

static BOOL accept_connection( HANDLE listen_port, const ALPC_PORT_ATTRIBUTES *port_attrs, union demo_buffer *buf )
{
    HANDLE pid = DEMO_CLIENT_ID( &buf->h ).UniqueProcess, comm = NULL;
    struct client *client = client_of_process( pid );
    ALPC_PORT_ATTRIBUTES attrs = *port_attrs;
    NTSTATUS status;
    BOOL ok;

    buf->msg.d.text[sizeof(buf->msg.d.text) - 1] = 0;
    say( "connection request from process %u thread %u: \"%s\"", (unsigned)(ULONG_PTR)pid,
         (unsigned)(ULONG_PTR)DEMO_CLIENT_ID( &buf->h ).UniqueThread, buf->msg.d.text );
    ok = client && !client->connected && buf->h.u1.s1.DataLength == sizeof(buf->msg.d) &&
         buf->msg.d.op == OP_HELLO && buf->msg.d.client == client->number;
    if (!ok) say( "FAILED: not one of the clients started, or not its first connection; refusing it" );

    /* the data of the accept message goes back to the client */
    memset( &buf->msg.d, 0, sizeof(buf->msg.d) );
    if (ok) snprintf( buf->msg.d.text, sizeof(buf->msg.d.text), "welcome, client %u", (unsigned)client->number );
    buf->h.u1.s1.DataLength = sizeof(buf->msg.d);
    buf->h.u1.s1.TotalLength = sizeof(buf->msg);
    status = NtAlpcAcceptConnectPort( &comm, listen_port, 0, NULL, &attrs, client, (PORT_MESSAGE *)&buf->h,
                                      NULL, ok );
    if (!ok) return FALSE;
    if (status || !comm)
    {
        say( "FAILED: NtAlpcAcceptConnectPort -> %#x", (unsigned)status );
        return FALSE;
    }
    client->port = comm;
    client->connected = TRUE;
    say( "accepted client %u, port context %p, replied \"%s\"", (unsigned)client->number, client,
         buf->msg.d.text );
    return TRUE;
}

/* the reply keeps the request's ClientId, MessageId and CallbackId */
static BOOL send_reply( struct client *client, const union demo_buffer *req, struct demo_msg *reply )
{
    NTSTATUS status;

    reply->h = req->h;
    reply->h.u2.ZeroInit = 0;
    reply->h.u1.s1.DataLength = sizeof(reply->d);
    reply->h.u1.s1.TotalLength = sizeof(*reply);
    status = NtAlpcSendWaitReceivePort( client->port, ALPC_MSGFLG_RELEASE_MESSAGE, (PORT_MESSAGE *)&reply->h,
                                        NULL, NULL, NULL, NULL, NULL );
    if (status)
    {
        say( "FAILED: reply to message %u of client %u -> %#x", (unsigned)req->h.MessageId,
             (unsigned)client->number, (unsigned)status );
        return FALSE;
    }
    return TRUE;
}

static BOOL serve_signal( struct client *client, ALPC_MESSAGE_ATTRIBUTES *attrs, struct demo_msg *reply )
{
    ALPC_HANDLE_ATTR *handle_attr = AlpcGetMessageAttribute( attrs, ALPC_MESSAGE_HANDLE_ATTRIBUTE );
    HANDLE event;

    if (!(attrs->ValidAttributes & ALPC_MESSAGE_HANDLE_ATTRIBUTE) || !handle_attr)
    {
        say( "FAILED: no handle attribute (valid attributes %#x)", (unsigned)attrs->ValidAttributes );
        strcpy( reply->d.text, "no handle came" );
        return FALSE;
    }
    event = handle_attr->Handle;
    /* the field after the handle is the number of handles (openvmm reads it so) */
    say( "  handle attribute: handle %p (ours), %u handle(s), access %#x", event,
         (unsigned)handle_attr->HandleCount, (unsigned)handle_attr->GrantedAccess );
    client->handles++;
    if (handle_attr->HandleCount != 1 || !SetEvent( event ))
    {
        say( "FAILED: not an event that can be set (error %u)", (unsigned)GetLastError() );
        strcpy( reply->d.text, "could not set it" );
        CloseHandle( event );
        return FALSE;
    }
    CloseHandle( event );
    say( "  set the event through it and closed it" );
    strcpy( reply->d.text, "the event is set" );
    return TRUE;
}

/* checks the view's pattern at our address of it and sums it */
static BOOL serve_view( struct client *client, ALPC_MESSAGE_ATTRIBUTES *attrs, const struct demo_msg *req,
                        struct demo_msg *reply, void **base )
{
    ALPC_DATA_VIEW_ATTR *view = AlpcGetMessageAttribute( attrs, ALPC_MESSAGE_VIEW_ATTRIBUTE );
    const ULONG *words;
    SIZE_T i;

    *base = NULL;
    if (!(attrs->ValidAttributes & ALPC_MESSAGE_VIEW_ATTRIBUTE) || !view)
    {
        say( "FAILED: no view attribute (valid attributes %#x)", (unsigned)attrs->ValidAttributes );
        strcpy( reply->d.text, "no view came" );
        return FALSE;
    }
    *base = view->ViewBase;
    say( "  view attribute: %#x bytes at %p (our address)", (unsigned)view->ViewSize, view->ViewBase );
    client->views++;
    if (!view->ViewBase || view->ViewSize < DEMO_VIEW_SIZE)
    {
        say( "FAILED: the view is not the client's 1 MiB" );
        strcpy( reply->d.text, "view too small" );
        return FALSE;
    }
    words = view->ViewBase;
    for (i = 0; i < DEMO_VIEW_SIZE / sizeof(ULONG); i++) if (words[i] != demo_pattern( req->d.seed, i )) break;
    if (i < DEMO_VIEW_SIZE / sizeof(ULONG))
    {
        say( "FAILED: the view's data differs from the client's at offset %#x", (unsigned)(i * sizeof(ULONG)) );
        strcpy( reply->d.text, "view data differs" );
        return FALSE;
    }
    reply->d.checksum = demo_checksum( view->ViewBase, DEMO_VIEW_SIZE );
    reply->d.result = DEMO_VIEW_SIZE;
    say( "  the 1 MiB holds the client's pattern, checksum %#x", (unsigned)reply->d.checksum );
    strcpy( reply->d.text, "view checked" );
    return TRUE;
}

/* a request from a client: answered at once on its communication port */
static BOOL serve_request( HANDLE listen_port, struct client *client, union demo_buffer *buf,
                           ALPC_MESSAGE_ATTRIBUTES *attrs )
{
    const struct demo_data *in = &buf->msg.d;
    struct demo_msg reply;
    void *view_base = NULL;
    NTSTATUS status;
    BOOL ok = TRUE;
    ULONG i;

    client->requests++;
    memset( &reply, 0, sizeof(reply) );
    reply.d = *in;
    reply.d.text[sizeof(reply.d.text) - 1] = 0;
    say( "request from client %u: message %u, callback %u", (unsigned)client->number,
         (unsigned)buf->h.MessageId, (unsigned)DEMO_CALLBACK_ID( &buf->h ) );
    switch (in->op)
    {
    case OP_UPPER:
        for (i = 0; reply.d.text[i]; i++)
            if (reply.d.text[i] >= 'a' && reply.d.text[i] <= 'z') reply.d.text[i] -= 'a' - 'A';
        say( "  uppercase -> \"%s\"", reply.d.text );
        break;
    case OP_ADD:
        if (in->count > sizeof(in->numbers) / sizeof(in->numbers[0])) { ok = FALSE; break; }
        reply.d.result = 0;
        for (i = 0; i < in->count; i++) reply.d.result += in->numbers[i];
        say( "  add %u numbers -> %d", (unsigned)in->count, (int)reply.d.result );
        break;
    case OP_SIGNAL:
        ok = serve_signal( client, attrs, &reply );
        break;
    case OP_VIEW:
        ok = serve_view( client, attrs, &buf->msg, &reply, &view_base );
        break;
    case OP_BYE:
        say( "  bye" );
        break;
    default:
        say( "FAILED: unknown operation %u", (unsigned)in->op );
        ok = FALSE;
        break;
    }
    if (in->op != OP_SIGNAL && (attrs->ValidAttributes & ALPC_MESSAGE_HANDLE_ATTRIBUTE))
    {
        say( "FAILED: a handle attribute nobody sent" );
        ok = FALSE;
    }
    if (in->op != OP_VIEW && (attrs->ValidAttributes & ALPC_MESSAGE_VIEW_ATTRIBUTE))
    {
        say( "FAILED: a view attribute nobody sent" );
        ok = FALSE;
    }

    if (!send_reply( client, buf, &reply )) ok = FALSE;
    else say( "  replied to message %u with ALPC_MSGFLG_RELEASE_MESSAGE", (unsigned)buf->h.MessageId );

    if (view_base)
    {
        /* the view received is deleted through the port that received it */
        status = NtAlpcDeleteSectionView( listen_port, 0, view_base );
        say( "  NtAlpcDeleteSectionView(%p) -> %#x", view_base, (unsigned)status );
        if (status) ok = FALSE;
    }
    return ok;
}

/* every client is connected: a datagram to each says go */
static BOOL send_go(void)
{
    struct demo_msg msg;
    NTSTATUS status;
    unsigned int i;
    BOOL ok = TRUE;

    say( "all %u clients are connected; a datagram to each says go", client_count );
    for (i = 0; i < client_count; i++)
    {
        demo_init_message( &msg, OP_GO, 0 );
        snprintf( msg.d.text, sizeof(msg.d.text), "go, client %u of %u", (unsigned)clients[i].number, client_count );
        status = NtAlpcSendWaitReceivePort( clients[i].port, ALPC_MSGFLG_RELEASE_MESSAGE, (PORT_MESSAGE *)&msg.h,
                                            NULL, NULL, NULL, NULL, NULL );
        if (status)
        {
            say( "FAILED: datagram to client %u -> %#x", (unsigned)clients[i].number, (unsigned)status );
            ok = FALSE;
        }
    }
    return ok;
}

static const char *usage = "usage: demo [--winelib PATH-OF-THE-WINELIB-CLIENT]\n";

int main( int argc, char **argv )
{
    ALPC_PORT_ATTRIBUTES port_attrs;
    union demo_attr_buffer attr_buffer;
    ALPC_MESSAGE_ATTRIBUTES *attrs = &attr_buffer.header;
    ALPC_CONTEXT_ATTR *context;
    LARGE_INTEGER timeout;
    OBJECT_ATTRIBUTES attr;
    UNICODE_STRING name;
    WCHAR name_buffer[MAX_PATH];
    char port_name[MAX_PATH], exe[MAX_PATH];
    const char *winelib_client = NULL;
    union demo_buffer buf;
    HANDLE listen_port = NULL;
    struct client *client;
    unsigned int i, connected = 0, closed = 0;
    SIZE_T len, needed = 0;
    NTSTATUS status;
    BOOL ok = TRUE;

    if (argc >= 2 && !strcmp( argv[1], "client" )) return demo_client_main( argc, argv );
    if (argc == 3 && !strcmp( argv[1], "--winelib" )) winelib_client = argv[2];
    else if (argc != 1)
    {
        fputs( usage, stderr );
        return 2;
    }

    strcpy( demo_side, "server" );
    demo_start_watchdog();
    if (!check_exports()) ok = FALSE;

    /* the receive attribute buffer: the view, context and handle blocks */
    status = AlpcInitializeMessageAttribute( DEMO_RECV_ATTRIBUTES, NULL, 0, &needed );
    say( "receive attributes (view, context, handle) need %u bytes", (unsigned)needed );
    if (needed > sizeof(attr_buffer))
    {
        say( "FAILED: more than the %u bytes expected (status %#x)", (unsigned)sizeof(attr_buffer), (unsigned)status );
        return 1;
    }

    snprintf( port_name, sizeof(port_name), "\\RPC Control\\wine-alpc-demo-%u", (unsigned)GetCurrentProcessId() );
    demo_unicode( &name, name_buffer, MAX_PATH, port_name );
    InitializeObjectAttributes( &attr, &name, 0, NULL, NULL );
    demo_port_attributes( &port_attrs );
    status = NtAlpcCreatePort( &listen_port, &attr, &port_attrs );
    if (status)
    {
        say( "FAILED: NtAlpcCreatePort(%s) -> %#x", port_name, (unsigned)status );
        return 1;
    }
    say( "created ALPC port %s (flags %#x, object types %#x, max message %#x)", port_name,
         (unsigned)port_attrs.Flags, (unsigned)port_attrs.DupObjectTypes, (unsigned)port_attrs.MaxMessageLength );

    if (!GetModuleFileNameA( NULL, exe, sizeof(exe) )) return 1;
    for (i = 0; i < MINGW_CLIENTS + (winelib_client != NULL); i++)
    {
        client = &clients[client_count];
        client->number = i + 1;
        client->winelib = i >= MINGW_CLIENTS;
        if (!start_client( client, client->winelib ? winelib_client : exe, port_name ))
        {
            ok = FALSE;
            break;
        }
        client_count++;
    }

    while (closed < client_count)
    {
        memset( &buf, 0, sizeof(buf) );
        status = AlpcInitializeMessageAttribute( DEMO_RECV_ATTRIBUTES, attrs, sizeof(attr_buffer), &needed );
        if (status)
        {
            say( "FAILED: AlpcInitializeMessageAttribute -> %#x", (unsigned)status );
            ok = FALSE;
            break;
        }
        len = sizeof(buf);
        status = NtAlpcSendWaitReceivePort( listen_port, 0, NULL, NULL, (PORT_MESSAGE *)&buf.h, &len, attrs,
                                            demo_timeout( &timeout, DEMO_WAIT_MS ) );
        if (status == STATUS_TIMEOUT)
        {
            say( "FAILED: nothing received for %u seconds", DEMO_WAIT_MS / 1000 );
            ok = FALSE;
            break;
        }
        if (status)
        {
            say( "FAILED: NtAlpcSendWaitReceivePort -> %#x", (unsigned)status );
            ok = FALSE;
            break;
        }

        if (DEMO_MSG_TYPE( &buf.h ) == LPC_CONNECTION_REQUEST)
        {
            if (!accept_connection( listen_port, &port_attrs, &buf )) ok = FALSE;
            else if (++connected == client_count && !send_go()) ok = FALSE;
            continue;
        }

        /* anything else names its connection through the context attribute */
        context = AlpcGetMessageAttribute( attrs, ALPC_MESSAGE_CONTEXT_ATTRIBUTE );
        client = NULL;
        if ((attrs->ValidAttributes & ALPC_MESSAGE_CONTEXT_ATTRIBUTE) && context)
            client = client_of_context( context->PortContext );
        if (!client)
        {
            say( "FAILED: %s from process %u without a known port context (valid attributes %#x, context %p)",
                 demo_type_name( DEMO_MSG_TYPE( &buf.h ) ), (unsigned)(ULONG_PTR)DEMO_CLIENT_ID( &buf.h ).UniqueProcess,
                 (unsigned)attrs->ValidAttributes, context ? context->PortContext : NULL );
            ok = FALSE;
            break;
        }
        if (DEMO_CLIENT_ID( &buf.h ).UniqueProcess != (HANDLE)(ULONG_PTR)client->pid)
        {
            say( "FAILED: the port context says client %u (process %u), the message says process %u",
                 (unsigned)client->number, (unsigned)client->pid,
                 (unsigned)(ULONG_PTR)DEMO_CLIENT_ID( &buf.h ).UniqueProcess );
            ok = FALSE;
        }
        if (client->closed)
        {
            say( "FAILED: %s from client %u after its port closed", demo_type_name( DEMO_MSG_TYPE( &buf.h ) ),
                 (unsigned)client->number );
            ok = FALSE;
            continue;
        }

        switch (DEMO_MSG_TYPE( &buf.h ))
        {
        case LPC_DATAGRAM:
            client->datagrams++;
            buf.msg.d.text[sizeof(buf.msg.d.text) - 1] = 0;
            say( "datagram from client %u (port context %p): \"%s\"", (unsigned)client->number, client,
                 buf.msg.d.text );
            break;

        case LPC_REQUEST:
            if (buf.h.u1.s1.DataLength != sizeof(buf.msg.d) || buf.msg.d.client != client->number)
            {
                say( "FAILED: a request of %d bytes from client %u claims to be client %u",
                     buf.h.u1.s1.DataLength, (unsigned)client->number, (unsigned)buf.msg.d.client );
                ok = FALSE;
            }
            if (!serve_request( listen_port, client, &buf, attrs )) ok = FALSE;
            break;

        case LPC_PORT_CLOSED:
        case LPC_CLIENT_DIED:
            say( "%s from client %u", demo_type_name( DEMO_MSG_TYPE( &buf.h ) ), (unsigned)client->number );
            client->closed = TRUE;
            closed++;
            break;

        default:
            say( "FAILED: %s (%#x) from client %u", demo_type_name( DEMO_MSG_TYPE( &buf.h ) ),
                 (unsigned)buf.h.u2.s2.Type, (unsigned)client->number );
            ok = FALSE;
            break;
        }
    }
    if (closed == client_count) say( "every client is gone" );

    for (i = 0; i < client_count; i++) if (clients[i].port) NtClose( clients[i].port );
    NtClose( listen_port );

    for (i = 0; i < client_count; i++)
    {
        client = &clients[i];
        client->exit_code = 1;
        if (WaitForSingleObject( client->process, DEMO_WAIT_MS ) != WAIT_OBJECT_0)
        {
            say( "FAILED: client %u did not exit; terminating it", (unsigned)client->number );
            TerminateProcess( client->process, 1 );
            WaitForSingleObject( client->process, DEMO_WAIT_MS );
            ok = FALSE;
        }
        GetExitCodeProcess( client->process, &client->exit_code );
        CloseHandle( client->process );
        say( "client %u%s: exit code %u; datagrams %u, requests %u, handles %u, views %u%s",
             (unsigned)client->number, client->winelib ? " (Winelib)" : "", (unsigned)client->exit_code,
             client->datagrams, client->requests, client->handles, client->views,
             client->closed ? "" : "; its port did not close" );
        if (client->exit_code || !client->connected || !client->closed || client->datagrams != 1 ||
            client->requests != (client->number == 1 ? 5u : 4u) || client->handles != 1 ||
            client->views != (client->number == 1 ? 1u : 0u))
            ok = FALSE;
    }
    if (client_count != MINGW_CLIENTS + (winelib_client != NULL)) ok = FALSE;

    say( ok ? "demo succeeded" : "demo FAILED" );
    return ok ? 0 : 1;
}
