/*
 * wine-lpc demo, part one: a legacy LPC server and client in two processes
 *
 * Run with no arguments, the program is the server: it creates the port
 * \RPC Control\wine-lpc-demo-<pid> and starts a copy of itself as the client
 * ("demo_lpc.exe client <port name>").  The client connects (connection info goes
 * both ways), sends three datagrams, makes three requests that the server
 * answers (uppercase a string, add numbers), then closes its port; the server
 * sees LPC_PORT_CLOSED and exits.  Each side prints a line per event.
 *
 * Built with plain mingw-w64 headers and <ntdef/ntlpcapi.h>, as a user's
 * program would be.  Every wait is bounded, so the demo cannot hang.
 */

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <windows.h>
#include <winternl.h>
#include <ntdef/ntlpcapi.h>

#include "lpc_exports.h"

#ifndef STATUS_TIMEOUT
#define STATUS_TIMEOUT ((NTSTATUS)0x00000102)
#endif

#define NAME_NT(n) "Nt" #n,
#define NAME(n) #n,

static const char * const export_names[] =
{
    LPC_SYSCALLS(NAME_NT)
    ALPC_SYSCALLS(NAME_NT)
    ALPC_HELPERS(NAME)
};

#define WAIT_SECONDS 5

/* operations in a request */
enum demo_op
{
    OP_TEXT,    /* datagram: text only */
    OP_UPPER,   /* request: reply with the text in uppercase */
    OP_ADD,     /* request: reply with the sum of the numbers */
};

/* payload of every datagram, request and reply */
struct demo_data
{
    ULONG op;
    ULONG count;
    LONG numbers[8];
    LONG result;
    char text[96];
};

struct demo_msg
{
    PORT_MESSAGE h;
    struct demo_data d;
};

/* room for anything the port can deliver (connection info, notifications) */
union demo_buffer
{
    PORT_MESSAGE h;
    struct demo_msg msg;
    BYTE raw[PORT_TOTAL_MAXIMUM_MESSAGE_LENGTH];
};

#define MAX_CONNECT_INFO 64

static const char *side = "demo";

static void say( const char *format, ... )
{
    va_list args;

    printf( "%s: ", side );
    va_start( args, format );
    vprintf( format, args );
    va_end( args );
    printf( "\n" );
    fflush( stdout );
}

static const char *type_name( SHORT type )
{
    switch (type & 0xff)
    {
    case LPC_REQUEST:            return "LPC_REQUEST";
    case LPC_REPLY:              return "LPC_REPLY";
    case LPC_DATAGRAM:           return "LPC_DATAGRAM";
    case LPC_LOST_REPLY:         return "LPC_LOST_REPLY";
    case LPC_PORT_CLOSED:        return "LPC_PORT_CLOSED";
    case LPC_CLIENT_DIED:        return "LPC_CLIENT_DIED";
    case LPC_CONNECTION_REQUEST: return "LPC_CONNECTION_REQUEST";
    default:                     return "unexpected type";
    }
}

static void init_message( PORT_MESSAGE *h, USHORT data_len )
{
    memset( h, 0, sizeof(*h) );
    h->u1.s1.DataLength = data_len;
    h->u1.s1.TotalLength = sizeof(*h) + data_len;
}

static LARGE_INTEGER *wait_timeout( LARGE_INTEGER *timeout )
{
    timeout->QuadPart = -(LONGLONG)WAIT_SECONDS * 10000000;  /* relative, 100 ns units */
    return timeout;
}

/***********************************************************************
 * Server
 */

/* one per accepted connection; its address is the port context */
struct connection
{
    HANDLE port;
    ULONG_PTR pid;
    char name[32];
};

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

static HANDLE start_client( const char *port_name, DWORD *pid )
{
    char exe[MAX_PATH], cmdline[2 * MAX_PATH];
    STARTUPINFOA si;
    PROCESS_INFORMATION pi;

    if (!GetModuleFileNameA( NULL, exe, sizeof(exe) )) return NULL;
    snprintf( cmdline, sizeof(cmdline), "\"%s\" client \"%s\"", exe, port_name );

    memset( &si, 0, sizeof(si) );
    si.cb = sizeof(si);
    si.dwFlags = STARTF_USESTDHANDLES;
    si.hStdInput = GetStdHandle( STD_INPUT_HANDLE );
    si.hStdOutput = GetStdHandle( STD_OUTPUT_HANDLE );
    si.hStdError = GetStdHandle( STD_ERROR_HANDLE );
    if (!CreateProcessA( exe, cmdline, NULL, NULL, TRUE, 0, NULL, NULL, &si, &pi ))
    {
        say( "CreateProcess failed, error %lu", GetLastError() );
        return NULL;
    }
    CloseHandle( pi.hThread );
    *pid = pi.dwProcessId;
    return pi.hProcess;
}

static BOOL accept_connection( HANDLE listen_port, union demo_buffer *buf,
                               struct connection *conn, DWORD client_pid )
{
    char info[MAX_CONNECT_INFO + 1];
    USHORT len = buf->h.u1.s1.DataLength;
    NTSTATUS status;
    int reply_len;

    if (len > MAX_CONNECT_INFO) len = MAX_CONNECT_INFO;
    memcpy( info, buf->raw + sizeof(PORT_MESSAGE), len );
    info[len] = 0;
    conn->pid = (ULONG_PTR)buf->h.ClientId.UniqueProcess;
    say( "connection request from process %lu thread %lu, connection info \"%s\"",
         (ULONG)conn->pid, (ULONG)(ULONG_PTR)buf->h.ClientId.UniqueThread, info );
    if (conn->pid != client_pid)
    {
        say( "FAILED: the request claims process %lu, the client is %lu", (ULONG)conn->pid, client_pid );
        return FALSE;
    }

    /* the data of the accepted request becomes the client's connection info */
    snprintf( conn->name, sizeof(conn->name), "client-%lu", (ULONG)conn->pid );
    reply_len = snprintf( (char *)buf->raw + sizeof(PORT_MESSAGE), MAX_CONNECT_INFO,
                          "welcome %s", conn->name ) + 1;
    buf->h.u1.s1.DataLength = reply_len;
    buf->h.u1.s1.TotalLength = sizeof(PORT_MESSAGE) + reply_len;

    status = NtAcceptConnectPort( &conn->port, conn, &buf->h, TRUE, NULL, NULL );
    if (status)
    {
        say( "FAILED: NtAcceptConnectPort -> %#lx", status );
        return FALSE;
    }
    status = NtCompleteConnectPort( conn->port );
    if (status)
    {
        say( "FAILED: NtCompleteConnectPort -> %#lx", status );
        return FALSE;
    }
    say( "accepted as %s (port context %p), replied \"welcome %s\"", conn->name, conn, conn->name );
    return TRUE;
}

/* Fills reply from request; FALSE if the request makes no sense. */
static BOOL serve_request( const struct demo_msg *req, struct demo_msg *reply )
{
    const struct demo_data *in = &req->d;
    struct demo_data *out = &reply->d;
    ULONG i;

    if (req->h.u1.s1.DataLength != sizeof(*in)) return FALSE;

    *reply = *req;  /* keeps the ClientId and MessageId that identify the request */
    out->text[sizeof(out->text) - 1] = 0;
    switch (in->op)
    {
    case OP_UPPER:
        for (i = 0; out->text[i]; i++)
            if (out->text[i] >= 'a' && out->text[i] <= 'z') out->text[i] -= 'a' - 'A';
        say( "request #%lu: uppercase \"%.*s\" -> \"%s\"", req->h.MessageId,
             (int)sizeof(in->text), in->text, out->text );
        return TRUE;
    case OP_ADD:
        if (in->count > sizeof(in->numbers) / sizeof(in->numbers[0])) return FALSE;
        out->result = 0;
        for (i = 0; i < in->count; i++) out->result += in->numbers[i];
        say( "request #%lu: add %lu numbers -> %ld", req->h.MessageId, in->count, out->result );
        return TRUE;
    default:
        return FALSE;
    }
}

static int run_server(void)
{
    static const WCHAR dir[] = L"\\RPC Control\\wine-lpc-demo-";
    WCHAR name_buffer[64];
    char port_name[64];
    UNICODE_STRING name;
    OBJECT_ATTRIBUTES attr;
    LARGE_INTEGER timeout;
    HANDLE listen_port = NULL, client = NULL;
    struct connection conn = { NULL };
    union demo_buffer buf;
    struct demo_msg reply;
    PORT_MESSAGE *pending_reply = NULL;
    unsigned int datagrams = 0, requests = 0, replies_sent = 0;
    BOOL connected = FALSE, closed = FALSE, ok = TRUE;
    DWORD client_pid = 0, exit_code = 1;
    NTSTATUS status;
    void *context;

    side = "server";
    if (!check_exports()) ok = FALSE;
    say( "AlpcGetHeaderSize(all seven attributes) = %lu bytes",
         (ULONG)AlpcGetHeaderSize( ALPC_MESSAGE_SECURITY_ATTRIBUTE | ALPC_MESSAGE_VIEW_ATTRIBUTE |
                                   ALPC_MESSAGE_CONTEXT_ATTRIBUTE | ALPC_MESSAGE_HANDLE_ATTRIBUTE |
                                   ALPC_MESSAGE_TOKEN_ATTRIBUTE | ALPC_MESSAGE_DIRECT_ATTRIBUTE |
                                   ALPC_MESSAGE_WORK_ON_BEHALF_ATTRIBUTE ) );

    swprintf( name_buffer, sizeof(name_buffer) / sizeof(WCHAR), L"%ls%lu", dir, GetCurrentProcessId() );
    snprintf( port_name, sizeof(port_name), "%ls", name_buffer );
    RtlInitUnicodeString( &name, name_buffer );
    InitializeObjectAttributes( &attr, &name, 0, NULL, NULL );
    status = NtCreatePort( &listen_port, &attr, MAX_CONNECT_INFO, sizeof(struct demo_msg), 0 );
    if (status)
    {
        say( "FAILED: NtCreatePort(%s) -> %#lx", port_name, status );
        return 1;
    }
    say( "created port %s", port_name );

    if (!(client = start_client( port_name, &client_pid )))
    {
        NtClose( listen_port );
        return 1;
    }
    say( "started client process %lu", client_pid );

    while (!closed)
    {
        memset( &buf, 0, sizeof(buf) );
        context = NULL;
        status = NtReplyWaitReceivePortEx( listen_port, &context, pending_reply, &buf.h,
                                           wait_timeout( &timeout ) );
        if (pending_reply && status != STATUS_TIMEOUT && !(status & 0x80000000)) replies_sent++;
        pending_reply = NULL;
        if (status == STATUS_TIMEOUT)
        {
            say( "FAILED: nothing received for %u seconds", WAIT_SECONDS );
            ok = FALSE;
            break;
        }
        if (status)
        {
            say( "FAILED: NtReplyWaitReceivePortEx -> %#lx", status );
            ok = FALSE;
            break;
        }
        if ((buf.h.u2.s2.Type & 0xff) != LPC_CONNECTION_REQUEST && context != &conn)
        {
            say( "FAILED: %s came with port context %p, expected %p",
                 type_name( buf.h.u2.s2.Type ), context, &conn );
            ok = FALSE;
        }

        switch (buf.h.u2.s2.Type & 0xff)
        {
        case LPC_CONNECTION_REQUEST:
            if (connected || !accept_connection( listen_port, &buf, &conn, client_pid ))
            {
                ok = FALSE;
                closed = TRUE;
            }
            connected = TRUE;
            break;

        case LPC_DATAGRAM:
            datagrams++;
            buf.msg.d.text[sizeof(buf.msg.d.text) - 1] = 0;
            say( "datagram from %s: \"%s\"", conn.name, buf.msg.d.text );
            break;

        case LPC_REQUEST:
            if (!serve_request( &buf.msg, &reply ))
            {
                say( "FAILED: bad request (op %lu, %u bytes)", buf.msg.d.op, buf.h.u1.s1.DataLength );
                ok = FALSE;
                closed = TRUE;
                break;
            }
            /* answer the first request with NtReplyPort on the communication
             * port, the others through the next NtReplyWaitReceivePortEx */
            if (!requests++)
            {
                status = NtReplyPort( conn.port, &reply.h );
                if (status)
                {
                    say( "FAILED: NtReplyPort -> %#lx", status );
                    ok = FALSE;
                    closed = TRUE;
                }
                else
                {
                    replies_sent++;
                    say( "replied with NtReplyPort" );
                }
            }
            else
            {
                pending_reply = &reply.h;
                say( "replying with the next NtReplyWaitReceivePortEx" );
            }
            break;

        case LPC_PORT_CLOSED:
        case LPC_CLIENT_DIED:
            say( "%s from %s", type_name( buf.h.u2.s2.Type ), conn.name );
            closed = TRUE;
            break;

        default:
            say( "FAILED: unexpected message type %#x", buf.h.u2.s2.Type );
            ok = FALSE;
            break;
        }
    }

    if (conn.port) NtClose( conn.port );
    NtClose( listen_port );

    if (WaitForSingleObject( client, WAIT_SECONDS * 1000 ) != WAIT_OBJECT_0)
    {
        say( "FAILED: the client did not exit; terminating it" );
        TerminateProcess( client, 1 );
        WaitForSingleObject( client, WAIT_SECONDS * 1000 );
        ok = FALSE;
    }
    GetExitCodeProcess( client, &exit_code );
    CloseHandle( client );
    say( "client exited with code %lu", exit_code );

    say( "%u datagrams, %u requests, %u replies", datagrams, requests, replies_sent );
    if (exit_code || datagrams != 3 || requests != 3 || replies_sent != 3 || !closed) ok = FALSE;
    say( ok ? "demo succeeded" : "demo FAILED" );
    return ok ? 0 : 1;
}

/***********************************************************************
 * Client
 */

/* The client's port calls have no timeout; this ends it if the server stalls. */
static DWORD WINAPI watchdog( void *arg )
{
    Sleep( 4 * WAIT_SECONDS * 1000 );
    say( "FAILED: stuck for %u seconds, giving up", 4 * WAIT_SECONDS );
    ExitProcess( 3 );
}

static BOOL request( HANDLE port, struct demo_msg *req, struct demo_msg *reply )
{
    NTSTATUS status;

    init_message( &req->h, sizeof(req->d) );
    memset( reply, 0, sizeof(*reply) );
    status = NtRequestWaitReplyPort( port, &req->h, &reply->h );
    if (status)
    {
        say( "FAILED: NtRequestWaitReplyPort -> %#lx", status );
        return FALSE;
    }
    if ((reply->h.u2.s2.Type & 0xff) != LPC_REPLY || reply->h.u1.s1.DataLength != sizeof(reply->d))
    {
        say( "FAILED: reply has type %#x, %u bytes", reply->h.u2.s2.Type, reply->h.u1.s1.DataLength );
        return FALSE;
    }
    return TRUE;
}

static int run_client( const char *port_name )
{
    static const char *const datagrams[] =
    {
        "first datagram", "second datagram", "third datagram",
    };
    static const LONG numbers[] = { 2, 3, 5, 7, 11, 13 };
    SECURITY_QUALITY_OF_SERVICE qos;
    ANSI_STRING ansi;
    UNICODE_STRING name;
    HANDLE port = NULL;
    char info[MAX_CONNECT_INFO];
    ULONG info_len, max_len = 0;
    struct demo_msg msg, reply;
    NTSTATUS status;
    unsigned int i;
    LONG expect;
    BOOL ok = TRUE;

    side = "client";
    CloseHandle( CreateThread( NULL, 0, watchdog, NULL, 0, NULL ) );

    RtlInitAnsiString( &ansi, port_name );
    if (RtlAnsiStringToUnicodeString( &name, &ansi, TRUE )) return 1;

    memset( &qos, 0, sizeof(qos) );
    qos.Length = sizeof(qos);
    qos.ImpersonationLevel = SecurityImpersonation;
    qos.ContextTrackingMode = SECURITY_STATIC_TRACKING;
    qos.EffectiveOnly = TRUE;

    info_len = snprintf( info, sizeof(info), "hello from process %lu", GetCurrentProcessId() ) + 1;
    say( "connecting to %s with connection info \"%s\"", port_name, info );
    status = NtConnectPort( &port, &name, &qos, NULL, NULL, &max_len, info, &info_len );
    RtlFreeUnicodeString( &name );
    if (status)
    {
        say( "FAILED: NtConnectPort -> %#lx", status );
        return 1;
    }
    if (info_len > sizeof(info)) info_len = sizeof(info);
    if (info_len) info[info_len - 1] = 0;
    else info[0] = 0;
    say( "connected, max message length %lu, server's connection info \"%s\"", max_len, info );
    if (strncmp( info, "welcome client-", 15 )) ok = FALSE;

    for (i = 0; i < sizeof(datagrams) / sizeof(datagrams[0]); i++)
    {
        memset( &msg, 0, sizeof(msg) );
        init_message( &msg.h, sizeof(msg.d) );
        msg.d.op = OP_TEXT;
        strcpy( msg.d.text, datagrams[i] );
        status = NtRequestPort( port, &msg.h );
        say( "sent datagram \"%s\" -> %#lx", datagrams[i], status );
        if (status) ok = FALSE;
    }

    memset( &msg, 0, sizeof(msg) );
    msg.d.op = OP_UPPER;
    strcpy( msg.d.text, "hello from the lpc client" );
    say( "request: uppercase \"%s\"", msg.d.text );
    if (request( port, &msg, &reply ))
    {
        say( "reply #%lu: \"%s\"", reply.h.MessageId, reply.d.text );
        if (strcmp( reply.d.text, "HELLO FROM THE LPC CLIENT" )) ok = FALSE;
    }
    else ok = FALSE;

    memset( &msg, 0, sizeof(msg) );
    msg.d.op = OP_ADD;
    msg.d.count = sizeof(numbers) / sizeof(numbers[0]);
    memcpy( msg.d.numbers, numbers, sizeof(numbers) );
    for (expect = 0, i = 0; i < msg.d.count; i++) expect += numbers[i];
    say( "request: add 2 + 3 + 5 + 7 + 11 + 13" );
    if (request( port, &msg, &reply ))
    {
        say( "reply #%lu: %ld", reply.h.MessageId, reply.d.result );
        if (reply.d.result != expect) ok = FALSE;
    }
    else ok = FALSE;

    memset( &msg, 0, sizeof(msg) );
    msg.d.op = OP_UPPER;
    strcpy( msg.d.text, "Wine runs Windows LPC" );
    say( "request: uppercase \"%s\"", msg.d.text );
    if (request( port, &msg, &reply ))
    {
        say( "reply #%lu: \"%s\"", reply.h.MessageId, reply.d.text );
        if (strcmp( reply.d.text, "WINE RUNS WINDOWS LPC" )) ok = FALSE;
    }
    else ok = FALSE;

    status = NtClose( port );
    say( "closed the port -> %#lx", status );
    if (status) ok = FALSE;
    if (!ok) say( "FAILED: an answer was not what was expected" );
    return ok ? 0 : 1;
}

int main( int argc, char **argv )
{
    if (argc == 3 && !strcmp( argv[1], "client" )) return run_client( argv[2] );
    if (argc != 1)
    {
        fprintf( stderr, "usage: %s\n", argv[0] );
        return 2;
    }
    return run_server();
}
