/*
 * Legacy LPC beyond the first cut: port views, NtRead/WriteRequestData,
 * NtImpersonateClientOfPort, NtSecureConnectPort, callbacks through
 * NtReplyWaitReplyPort, NtSetDefaultHardErrorPort
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
 * Built like lpc.c, with the same harness (port_test.h): every scenario
 * runs with the client in a thread, then in a child process ("lpc_views
 * client SCENARIO PORTNAME"); nothing blocks without a bound.
 *
 * Almost everything in this file rests on behaviour that no test run on
 * Windows shows: Wine's dlls/ntdll/tests/port.c covers none of it.  Such
 * checks say "guess", and docs/unverified-behaviour.md lists the choices
 * ("Legacy LPC").
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
#define PORT_TEST_PROGRAM "lpc_views"
#define PORT_TEST_PREFIX "lpcv"
#include "port_test.h"

#define MAX_MESSAGE_LENGTH 0x148
#define MAX_INFO_LENGTH    0x100

#define CLIENT_VIEW_SIZE 0x10000
#define SERVER_VIEW_SIZE 0x8000

typedef struct
{
    TEST_PORT_MESSAGE h;
    char data[0x400];
} lpc_msg;

/* a request that lists two ranges of the client's memory */
typedef struct
{
    TEST_PORT_MESSAGE h;
    ULONG count;
    PORT_DATA_ENTRY entries[2];
} data_msg;

C_ASSERT(FIELD_OFFSET(data_msg, count) == sizeof(TEST_PORT_MESSAGE));
C_ASSERT(FIELD_OFFSET(data_msg, entries) - FIELD_OFFSET(data_msg, count) ==
         FIELD_OFFSET(PORT_DATA_INFORMATION, DataEntries));

static NTSTATUS (WINAPI *pNtCreatePort)(HANDLE *, OBJECT_ATTRIBUTES *, ULONG, ULONG, ULONG);
static NTSTATUS (WINAPI *pNtConnectPort)(HANDLE *, UNICODE_STRING *, SECURITY_QUALITY_OF_SERVICE *,
                                         PORT_VIEW *, REMOTE_PORT_VIEW *, ULONG *, void *, ULONG *);
static NTSTATUS (WINAPI *pNtSecureConnectPort)(HANDLE *, UNICODE_STRING *, SECURITY_QUALITY_OF_SERVICE *,
                                               PORT_VIEW *, PSID, REMOTE_PORT_VIEW *, ULONG *, void *, ULONG *);
static NTSTATUS (WINAPI *pNtAcceptConnectPort)(HANDLE *, void *, TEST_PORT_MESSAGE *, BOOLEAN,
                                               PORT_VIEW *, REMOTE_PORT_VIEW *);
static NTSTATUS (WINAPI *pNtCompleteConnectPort)(HANDLE);
static NTSTATUS (WINAPI *pNtRequestPort)(HANDLE, TEST_PORT_MESSAGE *);
static NTSTATUS (WINAPI *pNtRequestWaitReplyPort)(HANDLE, TEST_PORT_MESSAGE *, TEST_PORT_MESSAGE *);
static NTSTATUS (WINAPI *pNtReplyPort)(HANDLE, TEST_PORT_MESSAGE *);
static NTSTATUS (WINAPI *pNtReplyWaitReplyPort)(HANDLE, TEST_PORT_MESSAGE *);
static NTSTATUS (WINAPI *pNtReplyWaitReceivePortEx)(HANDLE, void **, TEST_PORT_MESSAGE *, TEST_PORT_MESSAGE *,
                                                    LARGE_INTEGER *);
/* phnt's sizes; Wine 8.0's winternl.h has ULONG and ULONG * */
static NTSTATUS (WINAPI *pNtReadRequestData)(HANDLE, TEST_PORT_MESSAGE *, ULONG, void *, SIZE_T, SIZE_T *);
static NTSTATUS (WINAPI *pNtWriteRequestData)(HANDLE, TEST_PORT_MESSAGE *, ULONG, void *, SIZE_T, SIZE_T *);
static NTSTATUS (WINAPI *pNtImpersonateClientOfPort)(HANDLE, TEST_PORT_MESSAGE *);
static NTSTATUS (WINAPI *pNtSetDefaultHardErrorPort)(HANDLE);

static BOOL init_functions(void)
{
    HMODULE ntdll = GetModuleHandleA( "ntdll.dll" );
    BOOL ret = TRUE;

#define GET_PROC(name) \
    p##name = (void *)GetProcAddress( ntdll, #name ); \
    ok( p##name != NULL, #name " is not exported\n" ); \
    if (!p##name) ret = FALSE;

    GET_PROC(NtCreatePort);
    GET_PROC(NtConnectPort);
    GET_PROC(NtSecureConnectPort);
    GET_PROC(NtAcceptConnectPort);
    GET_PROC(NtCompleteConnectPort);
    GET_PROC(NtRequestPort);
    GET_PROC(NtRequestWaitReplyPort);
    GET_PROC(NtReplyPort);
    GET_PROC(NtReplyWaitReplyPort);
    GET_PROC(NtReplyWaitReceivePortEx);
    GET_PROC(NtReadRequestData);
    GET_PROC(NtWriteRequestData);
    GET_PROC(NtImpersonateClientOfPort);
    GET_PROC(NtSetDefaultHardErrorPort);
#undef GET_PROC
    return ret;
}


/***********************************************************************
 * Names, messages, small helpers
 */

static void init_qos( SECURITY_QUALITY_OF_SERVICE *qos, SECURITY_IMPERSONATION_LEVEL level )
{
    qos->Length = sizeof(*qos);
    qos->ImpersonationLevel = level;
    qos->ContextTrackingMode = SECURITY_STATIC_TRACKING;
    qos->EffectiveOnly = TRUE;
}

static void set_msg( lpc_msg *msg, const char *text )
{
    SHORT len = strlen( text ) + 1;

    memset( &msg->h, 0, sizeof(msg->h) );
    msg->h.u1.s1.DataLength = len;
    msg->h.u1.s1.TotalLength = HDR_SIZE + len;
    memcpy( msg->data, text, len );
}

static void make_reply( lpc_msg *reply, const TEST_PORT_MESSAGE *request, const char *text )
{
    SHORT len = strlen( text ) + 1;

    reply->h = *request;
    reply->h.u1.s1.DataLength = len;
    reply->h.u1.s1.TotalLength = HDR_SIZE + len;
    memcpy( reply->data, text, len );
}

#define check_data(msg, text) check_data_(__FILE__, __LINE__, msg, text)
static void check_data_( const char *file, int line, const lpc_msg *msg, const char *text )
{
    SHORT len = strlen( text ) + 1;

    ok_(file, line)( msg->h.u1.s1.DataLength == len && msg->h.u1.s1.TotalLength == HDR_SIZE + len &&
                     !memcmp( msg->data, text, len ), "lengths %d/%d, data %s, expected %s\n",
                     msg->h.u1.s1.DataLength, msg->h.u1.s1.TotalLength,
                     wine_dbgstr_an( msg->data, min( max( msg->h.u1.s1.DataLength, 0 ), 64 )), text );
}

static HANDLE create_port( const char *name )
{
    UNICODE_STRING str;
    OBJECT_ATTRIBUTES attr;
    WCHAR buffer[MAX_PATH];
    HANDLE port = NULL;
    NTSTATUS status;

    init_unicode( &str, buffer, name );
    InitializeObjectAttributes( &attr, &str, 0, NULL, NULL );
    status = pNtCreatePort( &port, &attr, MAX_INFO_LENGTH, MAX_MESSAGE_LENGTH, 0 );
    ok( status == STATUS_SUCCESS, "NtCreatePort(%s) failed: %#lx\n", name, status );
    return status ? NULL : port;
}

static HANDLE create_section( SIZE_T size )
{
    LARGE_INTEGER li;
    HANDLE section = NULL;
    NTSTATUS status;

    li.QuadPart = size;
    status = NtCreateSection( &section, SECTION_ALL_ACCESS, NULL, &li, PAGE_READWRITE, SEC_COMMIT, NULL );
    ok( status == STATUS_SUCCESS, "NtCreateSection failed: %#lx\n", status );
    return section;
}

/* the next message, which must be of this type; stray requests and
 * connections are answered so that their senders do not block */
#define expect_msg(p, c, m, t) expect_msg_(__FILE__, __LINE__, p, c, m, t)
static BOOL expect_msg_( const char *file, int line, HANDLE port, void **context, lpc_msg *msg, int type )
{
    LARGE_INTEGER timeout;
    NTSTATUS status;
    HANDLE comm;
    lpc_msg reply;
    int i;

    for (i = 0; i < 8; i++)
    {
        memset( msg, 0xcc, sizeof(*msg) );
        status = pNtReplyWaitReceivePortEx( port, context, NULL, &msg->h, relative_timeout( &timeout, 2 * wait_time() ));
        if (status == STATUS_TIMEOUT) note_timeout();
        ok_(file, line)( status == STATUS_SUCCESS, "waiting for a message of type %d: %#lx\n", type, status );
        if (status) return FALSE;
        if ((msg->h.u2.s2.Type & 0xff) == type) return TRUE;
        ok_(file, line)( 0, "expected a message of type %d, got type %#x\n", type, msg->h.u2.s2.Type );
        if ((msg->h.u2.s2.Type & 0xff) == LPC_REQUEST)
        {
            make_reply( &reply, &msg->h, "unexpected" );
            pNtReplyPort( port, &reply.h );
        }
        else if ((msg->h.u2.s2.Type & 0xff) == LPC_CONNECTION_REQUEST)
            pNtAcceptConnectPort( &comm, NULL, &msg->h, FALSE, NULL, NULL );
    }
    return FALSE;
}


/***********************************************************************
 * Clients: a thread of this process or a child process
 */

/* NtConnectPort with the usual arguments */
static HANDLE client_connect( const char *name, SECURITY_IMPERSONATION_LEVEL level )
{
    SECURITY_QUALITY_OF_SERVICE qos;
    UNICODE_STRING str;
    WCHAR buffer[MAX_PATH];
    HANDLE port = NULL;
    NTSTATUS status;
    ULONG max_len;

    init_unicode( &str, buffer, name );
    init_qos( &qos, level );
    status = pNtConnectPort( &port, &str, &qos, NULL, NULL, &max_len, NULL, NULL );
    ok( status == STATUS_SUCCESS, "NtConnectPort(%s) failed: %#lx\n", name, status );
    return status ? NULL : port;
}

struct session
{
    char   name[MAX_PATH];
    HANDLE port;
    HANDLE comm;
    void  *context;
    struct client client;
};

static BOOL session_start( struct session *s, const char *scenario, BOOL process )
{
    memset( s, 0, sizeof(*s) );
    make_name( s->name, bno_dir, scenario );
    s->context = (void *)(ULONG_PTR)(0x5e550000 + name_counter);
    if (!(s->port = create_port( s->name ))) return FALSE;
    return start_client( &s->client, process, scenario, s->name );
}

/* accepts the next connection request, with views or without */
#define session_accept(s, v, r) session_accept_(__FILE__, __LINE__, s, v, r)
static BOOL session_accept_( const char *file, int line, struct session *s, PORT_VIEW *server_view,
                             REMOTE_PORT_VIEW *client_view )
{
    NTSTATUS status;
    lpc_msg msg;
    void *context;

    if (!expect_msg_( file, line, s->port, &context, &msg, LPC_CONNECTION_REQUEST )) return FALSE;
    status = pNtAcceptConnectPort( &s->comm, s->context, &msg.h, TRUE, server_view, client_view );
    ok_(file, line)( status == STATUS_SUCCESS, "NtAcceptConnectPort failed: %#lx\n", status );
    if (status)
    {
        s->comm = NULL;
        return FALSE;
    }
    status = pNtCompleteConnectPort( s->comm );
    ok_(file, line)( status == STATUS_SUCCESS, "NtCompleteConnectPort failed: %#lx\n", status );
    return !status;
}

static void session_end( struct session *s )
{
    finish_client( &s->client );
    if (s->comm) NtClose( s->comm );
    if (s->port) NtClose( s->port );
    s->comm = s->port = NULL;
}


/***********************************************************************
 * Port views (guesses throughout): the client's section is mapped into the
 * server at accept, the server's into the client
 */

/* a view goes with its port; the unmapping may land a moment after the close */
static BOOL view_gone( void *base )
{
    MEMORY_BASIC_INFORMATION info;
    DWORD start = GetTickCount();

    do
    {
        if (!VirtualQuery( base, &info, sizeof(info) )) return FALSE;
        if (info.State == MEM_FREE) return TRUE;
        Sleep( 10 );
    } while (GetTickCount() - start < 5000);
    return FALSE;
}

struct view_reply
{
    void *server_sees_client;   /* the server's mapping of the client's section */
    void *server_view_remote;   /* the server's section as mapped in the client */
};

static void client_views( const char *name )
{
    SECURITY_QUALITY_OF_SERVICE qos;
    REMOTE_PORT_VIEW server_view;
    struct view_reply *info;
    UNICODE_STRING str;
    WCHAR buffer[MAX_PATH];
    PORT_VIEW view;
    HANDLE port = NULL, section;
    NTSTATUS status;
    lpc_msg msg;
    ULONG max_len;

    if (!(section = create_section( CLIENT_VIEW_SIZE ))) return;
    init_unicode( &str, buffer, name );
    init_qos( &qos, SecurityImpersonation );

    /* a view description must give its own size */
    memset( &view, 0, sizeof(view) );
    view.Length = sizeof(view) - 1;
    view.SectionHandle = section;
    view.ViewSize = CLIENT_VIEW_SIZE;
    memset( &server_view, 0, sizeof(server_view) );
    server_view.Length = sizeof(server_view);
    status = pNtConnectPort( &port, &str, &qos, &view, &server_view, &max_len, NULL, NULL );
    ok( status == STATUS_INVALID_PARAMETER, "NtConnectPort(bad view length): %#lx\n", status );
    if (!status) NtClose( port );
    view.Length = sizeof(view);
    server_view.Length = sizeof(server_view) + 1;
    status = pNtConnectPort( &port, &str, &qos, &view, &server_view, &max_len, NULL, NULL );
    ok( status == STATUS_INVALID_PARAMETER, "NtConnectPort(bad server view length): %#lx\n", status );
    if (!status) NtClose( port );

    server_view.Length = sizeof(server_view);

    /* the section is checked before the server hears of the client */
    view.SectionHandle = (HANDLE)0xdead0;
    status = pNtConnectPort( &port, &str, &qos, &view, &server_view, &max_len, NULL, NULL );
    ok( status == STATUS_INVALID_HANDLE, "NtConnectPort(bad section): %#lx\n", status );
    if (!status) NtClose( port );
    if (DuplicateHandle( GetCurrentProcess(), section, GetCurrentProcess(), &view.SectionHandle,
                         SECTION_MAP_READ, FALSE, 0 ))
    {
        status = pNtConnectPort( &port, &str, &qos, &view, &server_view, &max_len, NULL, NULL );
        ok( status == STATUS_ACCESS_DENIED, "NtConnectPort(read-only section): %#lx\n", status );
        if (!status) NtClose( port );
        NtClose( view.SectionHandle );
    }
    view.SectionHandle = section;

    status = pNtConnectPort( &port, &str, &qos, &view, &server_view, &max_len, NULL, NULL );
    ok( status == STATUS_SUCCESS, "NtConnectPort failed: %#lx\n", status );
    NtClose( section );
    if (status) return;
    ok( view.ViewBase != NULL, "client view not mapped in the client\n" );
    ok( view.ViewRemoteBase != NULL, "client view not mapped in the server\n" );
    ok( view.ViewSize == CLIENT_VIEW_SIZE, "client view size %#Ix\n", view.ViewSize );
    ok( server_view.ViewBase != NULL, "server view not mapped in the client\n" );
    ok( server_view.ViewSize == SERVER_VIEW_SIZE, "server view size %#Ix\n", server_view.ViewSize );
    if (!view.ViewBase || !server_view.ViewBase) goto done;

    strcpy( (char *)view.ViewBase + 0x100, "from the client" );
    set_msg( &msg, "look" );
    status = pNtRequestWaitReplyPort( port, &msg.h, &msg.h );
    ok( status == STATUS_SUCCESS, "NtRequestWaitReplyPort failed: %#lx\n", status );
    if (status) goto done;
    ok( msg.h.u1.s1.DataLength == sizeof(*info), "DataLength %d\n", msg.h.u1.s1.DataLength );
    info = (struct view_reply *)msg.data;
    ok( info->server_sees_client == view.ViewRemoteBase, "server maps the client view at %p, we were told %p\n",
        info->server_sees_client, view.ViewRemoteBase );
    ok( info->server_view_remote == server_view.ViewBase, "server says its view is at %p here, it is at %p\n",
        info->server_view_remote, server_view.ViewBase );
    /* the same memory on both sides */
    ok( !strcmp( (char *)view.ViewBase + 0x200, "from the server" ), "client view: %s\n",
        wine_dbgstr_a( (char *)view.ViewBase + 0x200 ));
    ok( !strcmp( (char *)server_view.ViewBase + 0x10, "server section" ), "server view: %s\n",
        wine_dbgstr_a( (char *)server_view.ViewBase + 0x10 ));
    NtClose( port );
    /* both views in the client go with its port (guess) */
    ok( view_gone( view.ViewBase ), "client view still mapped at %p\n", view.ViewBase );
    ok( view_gone( server_view.ViewBase ), "server view still mapped at %p\n", server_view.ViewBase );
    return;
done:
    NtClose( port );
}

static void test_views( BOOL process )
{
    REMOTE_PORT_VIEW client_view;
    struct view_reply *info;
    struct session s;
    PORT_VIEW server_view;
    NTSTATUS status;
    HANDLE section = NULL;
    lpc_msg msg, reply;
    void *context;

    if (!session_start( &s, "views", process )) goto done;
    if (!expect_msg( s.port, &context, &msg, LPC_CONNECTION_REQUEST )) goto done;
    ok( msg.h.ClientViewSize == CLIENT_VIEW_SIZE, "ClientViewSize %#Ix\n", msg.h.ClientViewSize );

    if (!(section = create_section( SERVER_VIEW_SIZE ))) goto done;
    memset( &server_view, 0, sizeof(server_view) );
    server_view.Length = sizeof(server_view);
    server_view.SectionHandle = section;
    server_view.ViewSize = SERVER_VIEW_SIZE;
    memset( &client_view, 0, sizeof(client_view) );
    client_view.Length = sizeof(client_view) - 1;
    status = pNtAcceptConnectPort( &s.comm, s.context, &msg.h, TRUE, &server_view, &client_view );
    ok( status == STATUS_INVALID_PARAMETER, "NtAcceptConnectPort(bad view length): %#lx\n", status );
    if (!status) NtClose( s.comm );
    s.comm = NULL;

    client_view.Length = sizeof(client_view);
    status = pNtAcceptConnectPort( &s.comm, s.context, &msg.h, TRUE, &server_view, &client_view );
    ok( status == STATUS_SUCCESS, "NtAcceptConnectPort failed: %#lx\n", status );
    if (status)
    {
        s.comm = NULL;
        goto done;
    }
    ok( client_view.ViewBase != NULL, "client view not mapped in the server\n" );
    ok( client_view.ViewSize == CLIENT_VIEW_SIZE, "client view size %#Ix\n", client_view.ViewSize );
    ok( server_view.ViewBase != NULL, "server view not mapped in the server\n" );
    ok( server_view.ViewRemoteBase != NULL, "server view not mapped in the client\n" );
    if (server_view.ViewBase) strcpy( (char *)server_view.ViewBase + 0x10, "server section" );
    status = pNtCompleteConnectPort( s.comm );
    ok( status == STATUS_SUCCESS, "NtCompleteConnectPort failed: %#lx\n", status );

    if (!expect_msg( s.port, &context, &msg, LPC_REQUEST )) goto done;
    check_data( &msg, "look" );
    if (client_view.ViewBase)
    {
        ok( !strcmp( (char *)client_view.ViewBase + 0x100, "from the client" ), "client view: %s\n",
            wine_dbgstr_a( (char *)client_view.ViewBase + 0x100 ));
        strcpy( (char *)client_view.ViewBase + 0x200, "from the server" );
    }
    reply.h = msg.h;
    reply.h.u1.s1.DataLength = sizeof(*info);
    reply.h.u1.s1.TotalLength = HDR_SIZE + sizeof(*info);
    info = (struct view_reply *)reply.data;
    info->server_sees_client = client_view.ViewBase;
    info->server_view_remote = server_view.ViewRemoteBase;
    status = pNtReplyPort( s.comm, &reply.h );
    ok( status == STATUS_SUCCESS, "NtReplyPort failed: %#lx\n", status );

    expect_msg( s.port, &context, &msg, LPC_PORT_CLOSED );
    session_end( &s );
    /* and both views in the server go with the server's port */
    if (client_view.ViewBase)
        ok( view_gone( client_view.ViewBase ), "client view still mapped at %p\n", client_view.ViewBase );
    if (server_view.ViewBase)
        ok( view_gone( server_view.ViewBase ), "server view still mapped at %p\n", server_view.ViewBase );
done:
    if (section) NtClose( section );
    session_end( &s );
}


/***********************************************************************
 * NtReadRequestData and NtWriteRequestData (guesses throughout)
 */

static const char read_me[] = "the client's buffer, read by the server";
static const char written[] = "written by the server";

static void client_data( const char *name )
{
    /* aligned: a zero-length write to an aligned entry once crashed wineserver */
    DECLSPEC_ALIGN(8) char source[64];
    DECLSPEC_ALIGN(8) char target[64];
    HANDLE port;
    NTSTATUS status;
    data_msg msg;
    lpc_msg reply;

    if (!(port = client_connect( name, SecurityImpersonation ))) return;
    memset( source, 0, sizeof(source) );
    strcpy( source, read_me );
    memset( target, 0xcc, sizeof(target) );

    memset( &msg, 0, sizeof(msg) );
    msg.h.u1.s1.DataLength = sizeof(msg) - HDR_SIZE;
    msg.h.u1.s1.TotalLength = sizeof(msg);
    msg.h.u2.s2.DataInfoOffset = FIELD_OFFSET(data_msg, count);
    msg.count = 2;
    msg.entries[0].Base = source;
    msg.entries[0].Size = sizeof(source);
    msg.entries[1].Base = target;
    msg.entries[1].Size = sizeof(target);

    /* only requests may describe memory: a datagram with data information is refused */
    status = pNtRequestPort( port, &msg.h );
    ok( status == STATUS_INVALID_PARAMETER, "NtRequestPort with DataInfoOffset: %#lx\n", status );

    /* entries outside the message are refused */
    msg.count = 3;
    status = pNtRequestWaitReplyPort( port, &msg.h, &reply.h );
    ok( status == STATUS_INVALID_PARAMETER, "NtRequestWaitReplyPort(3 entries): %#lx\n", status );
    msg.count = 2;

    status = pNtRequestWaitReplyPort( port, &msg.h, &reply.h );
    ok( status == STATUS_SUCCESS, "NtRequestWaitReplyPort failed: %#lx\n", status );
    if (!status) check_data( &reply, "done" );
    ok( !memcmp( target, written, sizeof(written) ), "target %s\n", wine_dbgstr_an( target, sizeof(written) ));
    ok( (unsigned char)target[sizeof(written)] == 0xcc, "wrote beyond the data\n" );
    ok( !strcmp( source, read_me ), "source changed\n" );
    NtClose( port );
}

static void test_request_data( BOOL process )
{
    struct session s;
    char buffer[128];
    NTSTATUS status;
    lpc_msg msg, reply;
    TEST_PORT_MESSAGE wrong;
    SIZE_T len;
    void *context;

    if (!session_start( &s, "data", process )) goto done;
    if (!session_accept( &s, NULL, NULL )) goto done;
    if (!expect_msg( s.port, &context, &msg, LPC_REQUEST )) goto done;
    ok( msg.h.u2.s2.DataInfoOffset == HDR_SIZE, "DataInfoOffset %d\n", msg.h.u2.s2.DataInfoOffset );

    memset( buffer, 0xcc, sizeof(buffer) );
    len = 0;
    status = pNtReadRequestData( s.comm, &msg.h, 0, buffer, 64, &len );
    ok( status == STATUS_SUCCESS, "NtReadRequestData failed: %#lx\n", status );
    ok( len == 64, "read %Iu bytes\n", len );
    ok( !strcmp( buffer, read_me ), "read %s\n", wine_dbgstr_an( buffer, 64 ));

    status = pNtReadRequestData( s.comm, &msg.h, 2, buffer, 16, &len );
    ok( status == STATUS_INVALID_PARAMETER, "NtReadRequestData(entry 2 of 2): %#lx\n", status );
    status = pNtReadRequestData( s.comm, &msg.h, 0, buffer, 65, &len );
    ok( status == STATUS_INVALID_PARAMETER, "NtReadRequestData(more than the entry): %#lx\n", status );
    wrong = msg.h;
    wrong.MessageId++;
    status = pNtReadRequestData( s.comm, &wrong, 0, buffer, 16, &len );
    ok( status == STATUS_REPLY_MESSAGE_MISMATCH, "NtReadRequestData(wrong MessageId): %#lx\n", status );

    len = 0;
    status = pNtWriteRequestData( s.comm, &msg.h, 1, (void *)written, sizeof(written), &len );
    ok( status == STATUS_SUCCESS, "NtWriteRequestData failed: %#lx\n", status );
    ok( len == sizeof(written), "wrote %Iu bytes\n", len );
    status = pNtWriteRequestData( s.comm, &msg.h, 1, buffer, 65, &len );
    ok( status == STATUS_INVALID_PARAMETER, "NtWriteRequestData(more than the entry): %#lx\n", status );
    /* nothing at all, either way (guess: success, with nothing done; wineserver
     * once faulted writing no bytes to an aligned address) */
    len = 0xdead;
    status = pNtWriteRequestData( s.comm, &msg.h, 1, buffer, 0, &len );
    ok( status == STATUS_SUCCESS, "NtWriteRequestData(0 bytes): %#lx\n", status );
    ok( len == 0, "wrote %Iu bytes\n", len );
    len = 0xdead;
    status = pNtReadRequestData( s.comm, &msg.h, 0, buffer, 0, &len );
    ok( status == STATUS_SUCCESS, "NtReadRequestData(0 bytes): %#lx\n", status );
    ok( len == 0, "read %Iu bytes\n", len );

    make_reply( &reply, &msg.h, "done" );
    status = pNtReplyPort( s.comm, &reply.h );
    ok( status == STATUS_SUCCESS, "NtReplyPort failed: %#lx\n", status );

    /* the client no longer waits: its memory is out of reach */
    status = pNtReadRequestData( s.comm, &msg.h, 0, buffer, 16, &len );
    ok( status == STATUS_REPLY_MESSAGE_MISMATCH, "NtReadRequestData after the reply: %#lx\n", status );
    status = pNtWriteRequestData( s.comm, &msg.h, 1, buffer, 16, &len );
    ok( status == STATUS_REPLY_MESSAGE_MISMATCH, "NtWriteRequestData after the reply: %#lx\n", status );

    expect_msg( s.port, &context, &msg, LPC_PORT_CLOSED );
done:
    session_end( &s );
}


/***********************************************************************
 * NtImpersonateClientOfPort: the server thread takes the client's token,
 * at the level the client's QoS allows (SECURITY_QUALITY_OF_SERVICE, MS docs;
 * guess: through a port as through a pipe)
 */

static void client_impersonate( const char *name )
{
    static const SECURITY_IMPERSONATION_LEVEL levels[] = { SecurityImpersonation, SecurityIdentification };
    HANDLE port;
    NTSTATUS status;
    lpc_msg msg;
    unsigned int i;

    for (i = 0; i < ARRAY_SIZE(levels); i++)
    {
        if (!(port = client_connect( name, levels[i] ))) return;
        set_msg( &msg, "impersonate me" );
        status = pNtRequestWaitReplyPort( port, &msg.h, &msg.h );
        ok( status == STATUS_SUCCESS, "NtRequestWaitReplyPort failed: %#lx\n", status );
        NtClose( port );
    }
}

static BOOL get_token_user( HANDLE token, char *buffer, ULONG size )
{
    ULONG len;
    return !NtQueryInformationToken( token, TokenUser, buffer, size, &len );
}

static void revert_to_self(void)
{
    HANDLE none = NULL;
    NTSTATUS status = NtSetInformationThread( GetCurrentThread(), ThreadImpersonationToken, &none, sizeof(none) );
    ok( status == STATUS_SUCCESS, "reverting failed: %#lx\n", status );
}

static void test_impersonation( BOOL process )
{
    static const SECURITY_IMPERSONATION_LEVEL levels[] = { SecurityImpersonation, SecurityIdentification };
    char process_user[256], thread_user[256];
    SECURITY_IMPERSONATION_LEVEL level;
    struct session s;
    NTSTATUS status;
    HANDLE token;
    lpc_msg msg, reply;
    void *context;
    unsigned int i;
    ULONG len;

    token = NULL;
    NtOpenProcessToken( GetCurrentProcess(), TOKEN_QUERY, &token );
    ok( token && get_token_user( token, process_user, sizeof(process_user) ), "no process token user\n" );
    if (token) NtClose( token );

    if (!session_start( &s, "impersonate", process )) goto done;
    for (i = 0; i < ARRAY_SIZE(levels); i++)
    {
        winetest_push_context( "level %d", levels[i] );
        if (!session_accept( &s, NULL, NULL ) || !expect_msg( s.port, &context, &msg, LPC_REQUEST ))
        {
            winetest_pop_context();
            break;
        }

        /* only a server communication port will do */
        status = pNtImpersonateClientOfPort( s.port, &msg.h );
        ok( status == STATUS_INVALID_PORT_HANDLE, "NtImpersonateClientOfPort(connection port): %#lx\n", status );
        if (!status) revert_to_self();

        status = pNtImpersonateClientOfPort( s.comm, &msg.h );
        ok( status == STATUS_SUCCESS, "NtImpersonateClientOfPort failed: %#lx\n", status );
        if (!status)
        {
            token = NULL;
            status = NtOpenThreadToken( GetCurrentThread(), TOKEN_QUERY, TRUE, &token );
            ok( status == STATUS_SUCCESS, "NtOpenThreadToken failed: %#lx\n", status );
            if (!status)
            {
                status = NtQueryInformationToken( token, TokenImpersonationLevel, &level, sizeof(level), &len );
                ok( status == STATUS_SUCCESS, "TokenImpersonationLevel: %#lx\n", status );
                ok( level == levels[i], "impersonation level %d\n", level );
                ok( get_token_user( token, thread_user, sizeof(thread_user) ) &&
                    RtlEqualSid( ((TOKEN_USER *)thread_user)->User.Sid, ((TOKEN_USER *)process_user)->User.Sid ),
                    "the client's token is another user's\n" );
                NtClose( token );
            }
            revert_to_self();
        }

        make_reply( &reply, &msg.h, "done" );
        status = pNtReplyPort( s.comm, &reply.h );
        ok( status == STATUS_SUCCESS, "NtReplyPort failed: %#lx\n", status );
        /* the client no longer waits */
        status = pNtImpersonateClientOfPort( s.comm, &msg.h );
        ok( status == STATUS_REPLY_MESSAGE_MISMATCH, "NtImpersonateClientOfPort after the reply: %#lx\n", status );
        if (!status) revert_to_self();

        expect_msg( s.port, &context, &msg, LPC_PORT_CLOSED );
        NtClose( s.comm );
        s.comm = NULL;
        winetest_pop_context();
    }
done:
    session_end( &s );
}


/***********************************************************************
 * NtSecureConnectPort: the client names the user the server must run as
 */

static void client_secure( const char *name )
{
    static SID world = { SID_REVISION, 1, { SECURITY_WORLD_SID_AUTHORITY }, { SECURITY_WORLD_RID } };
    SECURITY_QUALITY_OF_SERVICE qos;
    UNICODE_STRING str;
    WCHAR buffer[MAX_PATH];
    char user[256];
    HANDLE port = NULL, token = NULL;
    NTSTATUS status;
    ULONG max_len;

    NtOpenProcessToken( GetCurrentProcess(), TOKEN_QUERY, &token );
    ok( token && get_token_user( token, user, sizeof(user) ), "no process token user\n" );
    if (token) NtClose( token );
    init_unicode( &str, buffer, name );
    init_qos( &qos, SecurityImpersonation );

    /* the server runs as this user, never as Everyone; refused without
     * bothering the server (guess) */
    status = pNtSecureConnectPort( &port, &str, &qos, NULL, &world, NULL, &max_len, NULL, NULL );
    ok( status == STATUS_SERVER_SID_MISMATCH, "NtSecureConnectPort(World): %#lx\n", status );
    if (!status) NtClose( port );

    status = pNtSecureConnectPort( &port, &str, &qos, NULL, ((TOKEN_USER *)user)->User.Sid, NULL, &max_len,
                                   NULL, NULL );
    ok( status == STATUS_SUCCESS, "NtSecureConnectPort(user) failed: %#lx\n", status );
    if (!status) NtClose( port );

    /* no SID: as NtConnectPort */
    status = pNtSecureConnectPort( &port, &str, &qos, NULL, NULL, NULL, &max_len, NULL, NULL );
    ok( status == STATUS_SUCCESS, "NtSecureConnectPort(NULL) failed: %#lx\n", status );
    if (!status) NtClose( port );
}

static void test_secure_connect( BOOL process )
{
    struct session s;
    lpc_msg msg;
    void *context;
    int i;

    if (!session_start( &s, "secure", process )) goto done;
    for (i = 0; i < 2; i++)
    {
        if (!session_accept( &s, NULL, NULL )) break;
        if (!expect_msg( s.port, &context, &msg, LPC_PORT_CLOSED )) break;
        NtClose( s.comm );
        s.comm = NULL;
    }
done:
    session_end( &s );
}


/***********************************************************************
 * Callbacks (guesses): while a client waits in NtRequestWaitReplyPort the server
 * sends it a request of its own (Type LPC_REQUEST with the client's
 * ClientId and MessageId); the client answers with NtReplyWaitReplyPort,
 * which then waits for the reply to its original request.
 */

static void client_callback( const char *name )
{
    HANDLE port;
    NTSTATUS status;
    lpc_msg msg, answer;

    if (!(port = client_connect( name, SecurityImpersonation ))) return;
    set_msg( &msg, "call" );
    status = pNtRequestWaitReplyPort( port, &msg.h, &msg.h );
    ok( status == STATUS_SUCCESS, "NtRequestWaitReplyPort failed: %#lx\n", status );
    if (status) goto done;
    ok( msg.h.u2.s2.Type == LPC_REQUEST, "type %#x, expected a callback\n", msg.h.u2.s2.Type );
    check_data( &msg, "callback" );
    ok( msg.h.CallbackId != 0, "no CallbackId\n" );

    make_reply( &answer, &msg.h, "callback answer" );
    status = pNtReplyWaitReplyPort( port, &answer.h );
    ok( status == STATUS_SUCCESS, "NtReplyWaitReplyPort failed: %#lx\n", status );
    if (status) goto done;
    ok( answer.h.u2.s2.Type == LPC_REPLY, "type %#x\n", answer.h.u2.s2.Type );
    check_data( &answer, "final reply" );
done:
    NtClose( port );
}

struct callback_call
{
    HANDLE   port;
    lpc_msg  request;
    lpc_msg  reply;
    NTSTATUS status;
};

static DWORD WINAPI callback_proc( void *arg )
{
    struct callback_call *call = arg;

    memset( &call->reply, 0xcc, sizeof(call->reply) );
    call->status = pNtRequestWaitReplyPort( call->port, &call->request.h, &call->reply.h );
    return 0;
}

static void test_callback( BOOL process )
{
    struct callback_call call;
    struct session s;
    NTSTATUS status;
    HANDLE thread;
    lpc_msg msg, reply;
    void *context;

    if (!session_start( &s, "callback", process )) goto done;
    if (!session_accept( &s, NULL, NULL )) goto done;
    if (!expect_msg( s.port, &context, &msg, LPC_REQUEST )) goto done;
    check_data( &msg, "call" );

    /* the callback blocks this side until the client answers: in a thread */
    call.port = s.comm;
    make_reply( &call.request, &msg.h, "callback" );
    call.request.h.u2.s2.Type = LPC_REQUEST;
    call.status = 0xdeadbeef;
    thread = CreateThread( NULL, 0, callback_proc, &call, 0, NULL );
    ok( thread != NULL, "CreateThread failed: %lu\n", GetLastError() );
    if (!wait_thread( thread, 2 * wait_time() )) goto done;
    ok( call.status == STATUS_SUCCESS, "callback failed: %#lx\n", call.status );
    if (call.status) goto done;
    ok( call.reply.h.u2.s2.Type == LPC_REPLY, "type %#x\n", call.reply.h.u2.s2.Type );
    check_data( &call.reply, "callback answer" );

    make_reply( &reply, &msg.h, "final reply" );
    status = pNtReplyPort( s.comm, &reply.h );
    ok( status == STATUS_SUCCESS, "NtReplyPort failed: %#lx\n", status );
    expect_msg( s.port, &context, &msg, LPC_PORT_CLOSED );
done:
    session_end( &s );
}


/***********************************************************************
 * NtSetDefaultHardErrorPort needs SeTcbPrivilege, which tests do not hold
 * enabled (guess: and only one call ever succeeds)
 */

static void test_default_hard_error_port(void)
{
    char name[MAX_PATH];
    NTSTATUS status;
    HANDLE port;

    make_name( name, bno_dir, "harderror" );
    if (!(port = create_port( name ))) return;
    status = pNtSetDefaultHardErrorPort( port );
    ok( status == STATUS_PRIVILEGE_NOT_HELD, "NtSetDefaultHardErrorPort: %#lx\n", status );
    NtClose( port );
}


/***********************************************************************
 * Test driver
 */

static const struct client_scenario client_scenarios[] =
{
    { "views", client_views },
    { "data", client_data },
    { "impersonate", client_impersonate },
    { "secure", client_secure },
    { "callback", client_callback },
};

static void run_client( const char *scenario, const char *port )
{
    run_client_scenario( client_scenarios, ARRAY_SIZE(client_scenarios), scenario, port );
}

START_TEST(lpc_views)
{
    int argc = winetest_get_mainargs( &test_argv ), process;

    if (!init_functions()) return;
    if (argc >= 5 && !strcmp( test_argv[2], "client" ))
    {
        start_watchdog( 60000 );
        run_client( test_argv[3], test_argv[4] );
        return;
    }
    start_watchdog( 120000 );

#define RUN(call) do { if (!too_many_timeouts()) call; } while (0)
    RUN( test_default_hard_error_port() );
    for (process = 0; process < 2; process++)
    {
        winetest_push_context( process ? "process" : "thread" );
        RUN( test_views( process ) );
        RUN( test_request_data( process ) );
        RUN( test_impersonation( process ) );
        RUN( test_secure_connect( process ) );
        RUN( test_callback( process ) );
        winetest_pop_context();
    }
#undef RUN
}
