/*
 * ALPC beyond messages: completion ports, handle attributes (single and
 * indirect), port sections and views, across threads and across processes
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
 * Not tested here: attributes in replies, in connection and accept
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

#ifndef IO_COMPLETION_ALL_ACCESS
#define IO_COMPLETION_ALL_ACCESS 0x001f0003
#endif

/* the ports' MaxMessageLength, a total length, header included (OV, TC) */
#define MAX_MESSAGE_LENGTH 0x1000

typedef struct
{
    TEST_PORT_MESSAGE h;
    char data[MAX_MESSAGE_LENGTH];
} alpc_msg;

/* A receive attribute buffer with the view, context and handle attributes,
 * in descending bit order (the reference, 7.3). */
typedef struct
{
    ALPC_MESSAGE_ATTRIBUTES header;
    ALPC_DATA_VIEW_ATTR view;
    ALPC_CONTEXT_ATTR context;
    ALPC_HANDLE_ATTR handle;
} recv_attrs;

#define RECV_ATTRIBUTES (ALPC_MESSAGE_VIEW_ATTRIBUTE | ALPC_MESSAGE_CONTEXT_ATTRIBUTE | ALPC_MESSAGE_HANDLE_ATTRIBUTE)

/* send attribute buffers with one block each */
typedef struct
{
    ALPC_MESSAGE_ATTRIBUTES header;
    ALPC_HANDLE_ATTR handle;
} handle_attrs;

typedef struct
{
    ALPC_MESSAGE_ATTRIBUTES header;
    ALPC_DATA_VIEW_ATTR view;
} view_attrs;

/* the ports of the handle scenarios take every kind of handle (OV, TC) */
#define DUP_FLAGS (ALPC_PORFLG_ALLOW_DUP_OBJECT | ALPC_PORFLG_ALLOW_MULTIHANDLE_ATTRIBUTE)

/* what the restricted duplication asks for */
#define QUERY_ACCESS (SYNCHRONIZE | EVENT_QUERY_STATE)

#define INDIRECT_COUNT 3

/* the large view, and a small one */
#define BIG_VIEW   0x100000
#define SMALL_VIEW 0x10000

#define SERVER_KEY ((void *)(ULONG_PTR)0x5e7e4ee1)
#define CLIENT_KEY ((void *)(ULONG_PTR)0xc11e47)

static NTSTATUS (WINAPI *pNtAlpcCreatePort)(HANDLE *, OBJECT_ATTRIBUTES *, ALPC_PORT_ATTRIBUTES *);
static NTSTATUS (WINAPI *pNtAlpcConnectPort)(HANDLE *, UNICODE_STRING *, OBJECT_ATTRIBUTES *, ALPC_PORT_ATTRIBUTES *,
                                             ULONG, PSID, TEST_PORT_MESSAGE *, SIZE_T *, ALPC_MESSAGE_ATTRIBUTES *,
                                             ALPC_MESSAGE_ATTRIBUTES *, LARGE_INTEGER *);
static NTSTATUS (WINAPI *pNtAlpcAcceptConnectPort)(HANDLE *, HANDLE, ULONG, OBJECT_ATTRIBUTES *,
                                                   ALPC_PORT_ATTRIBUTES *, void *, TEST_PORT_MESSAGE *,
                                                   ALPC_MESSAGE_ATTRIBUTES *, BOOLEAN);
static NTSTATUS (WINAPI *pNtAlpcSendWaitReceivePort)(HANDLE, ULONG, TEST_PORT_MESSAGE *, ALPC_MESSAGE_ATTRIBUTES *,
                                                     TEST_PORT_MESSAGE *, SIZE_T *, ALPC_MESSAGE_ATTRIBUTES *,
                                                     LARGE_INTEGER *);
static NTSTATUS (WINAPI *pNtAlpcSetInformation)(HANDLE, ALPC_PORT_INFORMATION_CLASS, void *, ULONG);
static NTSTATUS (WINAPI *pNtAlpcQueryInformation)(HANDLE, ALPC_PORT_INFORMATION_CLASS, void *, ULONG, ULONG *);
static NTSTATUS (WINAPI *pNtAlpcQueryInformationMessage)(HANDLE, TEST_PORT_MESSAGE *, ALPC_MESSAGE_INFORMATION_CLASS,
                                                         void *, ULONG, ULONG *);
static NTSTATUS (WINAPI *pNtAlpcCreatePortSection)(HANDLE, ULONG, HANDLE, SIZE_T, ALPC_HANDLE *, SIZE_T *);
static NTSTATUS (WINAPI *pNtAlpcDeletePortSection)(HANDLE, ULONG, ALPC_HANDLE);
static NTSTATUS (WINAPI *pNtAlpcCreateSectionView)(HANDLE, ULONG, ALPC_DATA_VIEW_ATTR *);
static NTSTATUS (WINAPI *pNtAlpcDeleteSectionView)(HANDLE, ULONG, void *);
static NTSTATUS (WINAPI *pAlpcInitializeMessageAttribute)(ULONG, ALPC_MESSAGE_ATTRIBUTES *, SIZE_T, SIZE_T *);
static void *   (WINAPI *pAlpcGetMessageAttribute)(ALPC_MESSAGE_ATTRIBUTES *, ULONG);

static BOOL init_functions(void)
{
    HMODULE ntdll = GetModuleHandleA( "ntdll.dll" );
    BOOL ret = TRUE;

#define GET_PROC(name) \
    p##name = (void *)GetProcAddress( ntdll, #name ); \
    ok( p##name != NULL, #name " is not exported\n" ); \
    if (!p##name) ret = FALSE;

    GET_PROC(NtAlpcCreatePort);
    GET_PROC(NtAlpcConnectPort);
    GET_PROC(NtAlpcAcceptConnectPort);
    GET_PROC(NtAlpcSendWaitReceivePort);
    GET_PROC(NtAlpcSetInformation);
    GET_PROC(NtAlpcQueryInformation);
    GET_PROC(NtAlpcQueryInformationMessage);
    GET_PROC(NtAlpcCreatePortSection);
    GET_PROC(NtAlpcDeletePortSection);
    GET_PROC(NtAlpcCreateSectionView);
    GET_PROC(NtAlpcDeleteSectionView);
    GET_PROC(AlpcInitializeMessageAttribute);
    GET_PROC(AlpcGetMessageAttribute);
#undef GET_PROC
    return ret;
}


/***********************************************************************
 * Names, events, messages, attributes
 */

/* the attributes of every port of this test; OV sets the section limits to SIZE_MAX */
static void init_port_attrs( ALPC_PORT_ATTRIBUTES *attrs, ULONG flags, ULONG dup_types )
{
    memset( attrs, 0, sizeof(*attrs) );
    attrs->Flags = flags;
    attrs->SecurityQos.Length = sizeof(attrs->SecurityQos);
    attrs->SecurityQos.ImpersonationLevel = SecurityImpersonation;
    attrs->SecurityQos.ContextTrackingMode = SECURITY_STATIC_TRACKING;
    attrs->SecurityQos.EffectiveOnly = FALSE;
    attrs->MaxMessageLength = MAX_MESSAGE_LENGTH;
    attrs->MaxPoolUsage = ~(SIZE_T)0;
    attrs->MaxSectionSize = ~(SIZE_T)0;
    attrs->MaxViewSize = ~(SIZE_T)0;
    attrs->MaxTotalSectionSize = ~(SIZE_T)0;
    attrs->DupObjectTypes = dup_types;
}

/* an unnamed manual-reset event for passing around */
static HANDLE new_event( BOOL signaled )
{
    HANDLE event = CreateEventA( NULL, TRUE, signaled, NULL );
    ok( event != NULL, "CreateEvent failed: %lu\n", GetLastError() );
    return event;
}

#define is_signaled(h) is_signaled_(__FILE__, __LINE__, h)
static BOOL is_signaled_( const char *file, int line, HANDLE handle )
{
    DWORD ret = WaitForSingleObject( handle, 0 );
    ok_(file, line)( ret == WAIT_OBJECT_0 || ret == WAIT_TIMEOUT, "WaitForSingleObject(%p): %#lx\n", handle, ret );
    return ret == WAIT_OBJECT_0;
}

/* the access a handle grants, or 0 when it is no handle */
static ACCESS_MASK handle_access( HANDLE handle )
{
    OBJECT_BASIC_INFORMATION info;
    NTSTATUS status;

    memset( &info, 0, sizeof(info) );
    status = NtQueryObject( handle, ObjectBasicInformation, &info, sizeof(info), NULL );
    return status ? 0 : info.GrantedAccess;
}

/* text as the data of a message, header lengths included */
static void set_data( alpc_msg *msg, const char *text )
{
    SHORT len = strlen( text ) + 1;

    msg->h.u1.s1.DataLength = len;
    msg->h.u1.s1.TotalLength = HDR_SIZE + len;
    memcpy( msg->data, text, len );
}

/* a message carrying text, with a clean header */
static void set_msg( alpc_msg *msg, const char *text )
{
    memset( &msg->h, 0, sizeof(msg->h) );
    set_data( msg, text );
}

/* a reply to a received message: its ClientId, MessageId and CallbackId, new data */
static void make_reply( alpc_msg *reply, const alpc_msg *request, const char *text )
{
    reply->h = request->h;
    reply->h.u2.ZeroInit = 0;
    set_data( reply, text );
}

#define check_data(msg, text) check_data_(__FILE__, __LINE__, msg, text)
static BOOL check_data_( const char *file, int line, const alpc_msg *msg, const char *text )
{
    SHORT len = strlen( text ) + 1;
    BOOL ret = msg->h.u1.s1.DataLength == len && msg->h.u1.s1.TotalLength == HDR_SIZE + len &&
               !memcmp( msg->data, text, len );

    ok_(file, line)( ret, "lengths %d/%d, data %s, expected %s\n", msg->h.u1.s1.DataLength,
                     msg->h.u1.s1.TotalLength,
                     wine_dbgstr_an( msg->data, min( max( msg->h.u1.s1.DataLength, 0 ), 64 )), text );
    return ret;
}

/* a receive attribute buffer with the view, context and handle blocks, built by ntdll */
static ALPC_MESSAGE_ATTRIBUTES *init_recv_attrs( recv_attrs *attrs )
{
    SIZE_T needed = 0;
    NTSTATUS status;

    memset( attrs, 0xcc, sizeof(*attrs) );
    status = pAlpcInitializeMessageAttribute( RECV_ATTRIBUTES, &attrs->header, sizeof(*attrs), &needed );
    ok( status == STATUS_SUCCESS, "AlpcInitializeMessageAttribute failed: %#lx\n", status );
    ok( needed == sizeof(*attrs), "needed %Iu bytes\n", needed );
    ok( pAlpcGetMessageAttribute( &attrs->header, ALPC_MESSAGE_VIEW_ATTRIBUTE ) == &attrs->view &&
        pAlpcGetMessageAttribute( &attrs->header, ALPC_MESSAGE_CONTEXT_ATTRIBUTE ) == &attrs->context &&
        pAlpcGetMessageAttribute( &attrs->header, ALPC_MESSAGE_HANDLE_ATTRIBUTE ) == &attrs->handle,
        "attribute blocks not where expected\n" );
    attrs->header.ValidAttributes = 0;
    memset( &attrs->view, 0xcc, sizeof(attrs->view) );
    memset( &attrs->context, 0xcc, sizeof(attrs->context) );
    memset( &attrs->handle, 0xcc, sizeof(attrs->handle) );
    return &attrs->header;
}

/* a handle attribute to send: one handle, or an array of them with ALPC_HANDLEFLG_INDIRECT */
static ALPC_MESSAGE_ATTRIBUTES *init_handle_attrs( handle_attrs *attrs, ULONG flags, HANDLE handle,
                                                   ULONG type, ACCESS_MASK access )
{
    SIZE_T needed = 0;
    NTSTATUS status;

    memset( attrs, 0xcc, sizeof(*attrs) );
    status = pAlpcInitializeMessageAttribute( ALPC_MESSAGE_HANDLE_ATTRIBUTE, &attrs->header, sizeof(*attrs),
                                              &needed );
    ok( status == STATUS_SUCCESS, "AlpcInitializeMessageAttribute failed: %#lx\n", status );
    ok( needed == sizeof(*attrs), "needed %Iu bytes\n", needed );
    attrs->header.ValidAttributes = ALPC_MESSAGE_HANDLE_ATTRIBUTE;
    memset( &attrs->handle, 0, sizeof(attrs->handle) );
    attrs->handle.Flags = flags;
    attrs->handle.Handle = handle;
    attrs->handle.ObjectType = type;
    attrs->handle.DesiredAccess = access;
    return &attrs->header;
}

/* INDIRECT_COUNT handles with ALPC_HANDLEFLG_INDIRECT (OV, NT) */
static ALPC_MESSAGE_ATTRIBUTES *init_indirect_attrs( handle_attrs *attrs, ALPC_HANDLE_ATTR32 *array,
                                                     HANDLE *events )
{
    int i;

    init_handle_attrs( attrs, ALPC_HANDLEFLG_INDIRECT, NULL, 0, 0 );
    for (i = 0; i < INDIRECT_COUNT; i++)
    {
        array[i].Flags = ALPC_HANDLEFLG_DUPLICATE_SAME_ACCESS;
        array[i].Handle = HandleToULong( events[i] );
        array[i].ObjectType = 0;
        array[i].DesiredAccess = 0;
    }
    attrs->handle.HandleAttrArray = array;
    attrs->handle.HandleCount = INDIRECT_COUNT;
    return &attrs->header;
}

/* a view attribute to send, as NtAlpcCreateSectionView filled it (OV, NT) */
static ALPC_MESSAGE_ATTRIBUTES *init_view_attrs( view_attrs *attrs, const ALPC_DATA_VIEW_ATTR *view )
{
    SIZE_T needed = 0;
    NTSTATUS status;

    memset( attrs, 0xcc, sizeof(*attrs) );
    status = pAlpcInitializeMessageAttribute( ALPC_MESSAGE_VIEW_ATTRIBUTE, &attrs->header, sizeof(*attrs),
                                              &needed );
    ok( status == STATUS_SUCCESS, "AlpcInitializeMessageAttribute failed: %#lx\n", status );
    ok( needed == sizeof(*attrs), "needed %Iu bytes\n", needed );
    attrs->header.ValidAttributes = ALPC_MESSAGE_VIEW_ATTRIBUTE;
    attrs->view = *view;
    return &attrs->header;
}

/* a pattern that differs in every word, for views */
static void fill_pattern( void *base, SIZE_T size, ULONG seed )
{
    ULONG *p = base;
    SIZE_T i;

    for (i = 0; i < size / sizeof(ULONG); i++) p[i] = seed ^ (ULONG)(i * 2654435761u);
}

#define check_pattern(b, s, e) check_pattern_(__FILE__, __LINE__, b, s, e)
static void check_pattern_( const char *file, int line, const void *base, SIZE_T size, ULONG seed )
{
    const ULONG *p = base;
    SIZE_T i;

    for (i = 0; i < size / sizeof(ULONG); i++) if (p[i] != (seed ^ (ULONG)(i * 2654435761u))) break;
    ok_(file, line)( i == size / sizeof(ULONG), "view data differs at offset %#Ix of %#Ix\n", i * sizeof(ULONG),
                     size );
}

#define check_free(b) check_free_(__FILE__, __LINE__, b)
static void check_free_( const char *file, int line, void *base )
{
    MEMORY_BASIC_INFORMATION info;

    memset( &info, 0, sizeof(info) );
    ok_(file, line)( VirtualQuery( base, &info, sizeof(info) ) == sizeof(info), "VirtualQuery failed: %lu\n",
                     GetLastError() );
    ok_(file, line)( info.State == MEM_FREE, "view at %p: state %#lx\n", base, info.State );
}

/* a datagram (OV, TC: RELEASE_MESSAGE on a new message) or any send without a receive */
static NTSTATUS send_msg( HANDLE port, ULONG flags, alpc_msg *msg, ALPC_MESSAGE_ATTRIBUTES *attrs )
{
    return pNtAlpcSendWaitReceivePort( port, flags, &msg->h, attrs, NULL, NULL, NULL, NULL );
}

/* waits for the next message, with the attributes when attrs is given */
static NTSTATUS receive_msg( HANDLE port, alpc_msg *msg, recv_attrs *attrs, DWORD ms )
{
    LARGE_INTEGER timeout;
    NTSTATUS status;
    SIZE_T len = sizeof(*msg);

    memset( msg, 0xcc, sizeof(*msg) );
    status = pNtAlpcSendWaitReceivePort( port, 0, NULL, NULL, &msg->h, &len, attrs ? init_recv_attrs( attrs ) : NULL,
                                         relative_timeout( &timeout, ms ));
    if (status == STATUS_TIMEOUT && ms) note_timeout();
    return status;
}

/* receives a message, which must be of this type; anything else is a failure */
#define expect_msg(p, m, a, t) expect_msg_(__FILE__, __LINE__, p, m, a, t, wait_time())
static BOOL expect_msg_( const char *file, int line, HANDLE port, alpc_msg *msg, recv_attrs *attrs,
                         int type, DWORD ms )
{
    NTSTATUS status;
    alpc_msg reply;
    HANDLE comm;
    int i;

    for (i = 0; i < 8; i++)
    {
        status = receive_msg( port, msg, attrs, ms );
        ok_(file, line)( status == STATUS_SUCCESS, "waiting for a message of type %d: %#lx\n", type, status );
        if (status != STATUS_SUCCESS) return FALSE;
        if (MSG_TYPE( msg ) == type) return TRUE;
        ok_(file, line)( 0, "expected a message of type %d, got type %#x with data %s\n", type,
                         msg->h.u2.s2.Type, wine_dbgstr_an( msg->data, min( max( msg->h.u1.s1.DataLength, 0 ), 32 )));
        /* a stray request or connection must not leave its sender blocked */
        if (MSG_TYPE( msg ) == LPC_REQUEST)
        {
            make_reply( &reply, msg, "unexpected" );
            send_msg( port, ALPC_MSGFLG_REPLY_MESSAGE | ALPC_MSGFLG_RELEASE_MESSAGE, &reply, NULL );
        }
        else if (MSG_TYPE( msg ) == LPC_CONNECTION_REQUEST)
        {
            comm = NULL;
            pNtAlpcAcceptConnectPort( &comm, port, 0, NULL, NULL, NULL, &msg->h, NULL, FALSE );
            if (comm) NtClose( comm );
        }
        if (!ms) return FALSE;
    }
    return FALSE;
}

/* the next message is a request with this text */
#define expect_request(p, m, a, t) expect_request_(__FILE__, __LINE__, p, m, a, t)
static BOOL expect_request_( const char *file, int line, HANDLE port, alpc_msg *msg, recv_attrs *attrs,
                             const char *text )
{
    if (!expect_msg_( file, line, port, msg, attrs, LPC_REQUEST, wait_time() )) return FALSE;
    return check_data_( file, line, msg, text );
}

/* nothing is queued on the port */
#define expect_no_msg(p, ms) expect_no_msg_(__FILE__, __LINE__, p, ms)
static void expect_no_msg_( const char *file, int line, HANDLE port, DWORD ms )
{
    LARGE_INTEGER timeout;
    NTSTATUS status;
    alpc_msg msg;
    SIZE_T len = sizeof(msg);

    memset( &msg, 0xcc, sizeof(msg) );
    status = pNtAlpcSendWaitReceivePort( port, 0, NULL, NULL, &msg.h, &len, NULL, relative_timeout( &timeout, ms ));
    ok_(file, line)( status == STATUS_TIMEOUT, "expected STATUS_TIMEOUT, got %#lx (message type %#x)\n", status,
                     status ? 0 : msg.h.u2.s2.Type );
}

/* replies to a received request with text (RELEASE_MESSAGE and REPLY_MESSAGE, CS, TC) */
#define reply_msg(p, r, t) reply_msg_(__FILE__, __LINE__, p, r, t)
static NTSTATUS reply_msg_( const char *file, int line, HANDLE port, const alpc_msg *request, const char *text )
{
    alpc_msg reply;
    NTSTATUS status;

    make_reply( &reply, request, text );
    status = send_msg( port, ALPC_MSGFLG_REPLY_MESSAGE | ALPC_MSGFLG_RELEASE_MESSAGE, &reply, NULL );
    ok_(file, line)( status == STATUS_SUCCESS, "reply %s failed: %#lx\n", text, status );
    return status;
}

/* a request with send attributes that waits for its reply, or fails; the
 * reply must be LPC_REPLY with the expected text */
#define sync_request(p, t, a, e) sync_request_(__FILE__, __LINE__, p, t, a, e)
static NTSTATUS sync_request_( const char *file, int line, HANDLE port, const char *text,
                               ALPC_MESSAGE_ATTRIBUTES *attrs, const char *expect )
{
    LARGE_INTEGER timeout;
    alpc_msg msg, reply;
    NTSTATUS status;
    SIZE_T len = sizeof(reply);

    set_msg( &msg, text );
    memset( &reply, 0xcc, sizeof(reply) );
    status = pNtAlpcSendWaitReceivePort( port, ALPC_MSGFLG_SYNC_REQUEST, &msg.h, attrs, &reply.h, &len, NULL,
                                         relative_timeout( &timeout, CLIENT_WAIT ));
    if (status == STATUS_TIMEOUT) note_timeout();
    if (!expect) return status;
    ok_(file, line)( status == STATUS_SUCCESS, "synchronous request %s failed: %#lx\n", text, status );
    if (status) return status;
    ok_(file, line)( MSG_TYPE( &reply ) == LPC_REPLY, "reply type %#x\n", reply.h.u2.s2.Type );
    check_data_( file, line, &reply, expect );
    return status;
}

/* A received single handle attribute (OV, TC): a new handle of the
 * receiver's to the sender's object, its type's bit and its access. */
#define check_recv_handle(a, t, g) check_recv_handle_(__FILE__, __LINE__, a, t, g)
static HANDLE check_recv_handle_( const char *file, int line, const recv_attrs *attrs, ULONG type,
                                  ACCESS_MASK access )
{
    HANDLE handle;

    ok_(file, line)( attrs->header.ValidAttributes & ALPC_MESSAGE_HANDLE_ATTRIBUTE, "no handle attribute, valid %#lx\n",
                     attrs->header.ValidAttributes );
    if (!(attrs->header.ValidAttributes & ALPC_MESSAGE_HANDLE_ATTRIBUTE)) return NULL;
    handle = attrs->handle.Handle;
    ok_(file, line)( !(attrs->handle.Flags & ALPC_HANDLEFLG_INDIRECT), "Flags %#lx\n", attrs->handle.Flags );
    ok_(file, line)( handle && handle != INVALID_HANDLE_VALUE, "Handle %p\n", handle );
    /* the third field is the number of handles, one (OV: test_handle_passing reads it
     * as HandleCount and queries that many); the type is not reported there */
    ok_(file, line)( attrs->handle.HandleCount == 1, "HandleCount %#lx, type %#lx\n", attrs->handle.HandleCount,
                     type );
    /* guess: GrantedAccess is the new handle's */
    ok_(file, line)( attrs->handle.GrantedAccess == access, "GrantedAccess %#lx, expected %#lx\n",
                     attrs->handle.GrantedAccess, access );
    ok_(file, line)( handle_access( handle ) == access, "the new handle grants %#lx, expected %#lx\n",
                     handle_access( handle ), access );
    return handle;
}

/* guess: a message sent without a handle reports none */
#define check_no_handle(a) ok( !((a)->header.ValidAttributes & ALPC_MESSAGE_HANDLE_ATTRIBUTE), \
                               "handle attribute on a message without one, valid %#lx\n", \
                               (a)->header.ValidAttributes )

/* An indirect handle attribute: the count, then each handle fetched by
 * index with NtAlpcQueryInformationMessage (OV, TC).  Each handle's event is
 * set through it and the handle closed. */
#define check_recv_indirect(p, m, a) check_recv_indirect_(__FILE__, __LINE__, p, m, a)
static void check_recv_indirect_( const char *file, int line, HANDLE port, alpc_msg *msg, const recv_attrs *attrs )
{
    ALPC_MESSAGE_HANDLE_INFORMATION info;
    NTSTATUS status;
    HANDLE handle;
    ULONG i, ret;

    ok_(file, line)( attrs->header.ValidAttributes & ALPC_MESSAGE_HANDLE_ATTRIBUTE, "no handle attribute, valid %#lx\n",
                     attrs->header.ValidAttributes );
    if (!(attrs->header.ValidAttributes & ALPC_MESSAGE_HANDLE_ATTRIBUTE)) return;
    /* guess: the receiver learns that the handles are to be fetched */
    ok_(file, line)( attrs->handle.Flags & ALPC_HANDLEFLG_INDIRECT, "Flags %#lx\n", attrs->handle.Flags );
    ok_(file, line)( attrs->handle.HandleCount == INDIRECT_COUNT, "HandleCount %lu\n", attrs->handle.HandleCount );

    for (i = 0; i < INDIRECT_COUNT; i++)
    {
        memset( &info, 0xcc, sizeof(info) );
        info.Index = i;
        ret = 0xdeadbeef;
        status = pNtAlpcQueryInformationMessage( port, &msg->h, AlpcMessageHandleInformation, &info, sizeof(info),
                                                 &ret );
        ok_(file, line)( status == STATUS_SUCCESS, "NtAlpcQueryInformationMessage(index %lu) failed: %#lx\n", i,
                         status );
        if (status) continue;
        handle = ULongToHandle( info.Handle );
        ok_(file, line)( handle_access( handle ) != 0, "index %lu: handle %p is not valid\n", i, handle );
        CloseHandle( handle );
        /* the caller owns what it gets and closes it: asked again, it gets a new one (OV) */
        info.Handle = 0;
        status = pNtAlpcQueryInformationMessage( port, &msg->h, AlpcMessageHandleInformation, &info, sizeof(info),
                                                 &ret );
        ok_(file, line)( status == STATUS_SUCCESS, "NtAlpcQueryInformationMessage(index %lu) again: %#lx\n", i,
                         status );
        if (status) continue;
        handle = ULongToHandle( info.Handle );
        ok_(file, line)( SetEvent( handle ), "index %lu: SetEvent(%p) failed: %lu\n", i, handle, GetLastError() );
        CloseHandle( handle );
    }
    info.Index = INDIRECT_COUNT;
    status = pNtAlpcQueryInformationMessage( port, &msg->h, AlpcMessageHandleInformation, &info, sizeof(info), &ret );
    ok_(file, line)( !NT_SUCCESS( status ), "NtAlpcQueryInformationMessage(index %u): %#lx\n", INDIRECT_COUNT, status );
    if (NT_SUCCESS( status )) CloseHandle( ULongToHandle( info.Handle ));
}

/* A received view (OV, NT): mapped in the receiver, as large as the
 * sender's, with the sender's data. */
#define check_recv_view(a, s, e) check_recv_view_(__FILE__, __LINE__, a, s, e)
static void *check_recv_view_( const char *file, int line, const recv_attrs *attrs, SIZE_T size, ULONG seed )
{
    MEMORY_BASIC_INFORMATION info;

    ok_(file, line)( attrs->header.ValidAttributes & ALPC_MESSAGE_VIEW_ATTRIBUTE, "no view attribute, valid %#lx\n",
                     attrs->header.ValidAttributes );
    if (!(attrs->header.ValidAttributes & ALPC_MESSAGE_VIEW_ATTRIBUTE)) return NULL;
    ok_(file, line)( attrs->view.ViewSize == size, "ViewSize %#Ix, expected %#Ix\n", attrs->view.ViewSize, size );
    ok_(file, line)( attrs->view.ViewBase != NULL, "no ViewBase\n" );
    if (!attrs->view.ViewBase || attrs->view.ViewSize != size) return NULL;
    memset( &info, 0, sizeof(info) );
    VirtualQuery( attrs->view.ViewBase, &info, sizeof(info) );
    ok_(file, line)( info.State == MEM_COMMIT, "view at %p: state %#lx\n", attrs->view.ViewBase, info.State );
    if (info.State != MEM_COMMIT) return NULL;
    check_pattern_( file, line, attrs->view.ViewBase, size, seed );
    return attrs->view.ViewBase;
}


/***********************************************************************
 * Clients: a thread of this process or a child process
 */

/* NtAlpcConnectPort as a client script does, synchronous, with a timeout and
 * the given port flags and duplication types */
#define client_connect(n, f, d) client_connect_(__FILE__, __LINE__, n, f, d, NULL)
static HANDLE client_connect_( const char *file, int line, const char *name, ULONG flags, ULONG dup_types,
                               const ALPC_PORT_ATTRIBUTES *port_attrs )
{
    ALPC_PORT_ATTRIBUTES attrs;
    LARGE_INTEGER timeout;
    UNICODE_STRING str;
    WCHAR buffer[MAX_PATH];
    HANDLE port = NULL;
    NTSTATUS status;

    init_unicode( &str, buffer, name );
    if (port_attrs) attrs = *port_attrs;
    else init_port_attrs( &attrs, flags, dup_types );
    status = pNtAlpcConnectPort( &port, &str, NULL, &attrs, ALPC_SYNC_CONNECTION, NULL, NULL, NULL, NULL, NULL,
                                 relative_timeout( &timeout, CLIENT_WAIT ));
    if (status == STATUS_TIMEOUT) note_timeout();
    ok_(file, line)( status == STATUS_SUCCESS, "NtAlpcConnectPort(%s) failed: %#lx\n", name, status );
    if (status != STATUS_SUCCESS) return NULL;
    ok_(file, line)( port != NULL, "no port handle\n" );
    return port;
}

/* the client script ends: the port is closed */
#define client_close(p) ok( NtClose( p ) == STATUS_SUCCESS, "NtClose failed\n" )


/***********************************************************************
 * Server side of a connection with a client thread or process
 */

struct session
{
    char   name[MAX_PATH];
    HANDLE port;        /* connection port */
    HANDLE comm;        /* server communication port */
    HANDLE go;          /* the client waits for this one */
    void  *context;     /* the port context given at accept */
    struct client client;
};

#define create_port(n, f, d) create_port_(__FILE__, __LINE__, n, f, d, NULL)
static HANDLE create_port_( const char *file, int line, const char *name, ULONG flags, ULONG dup_types,
                            const ALPC_PORT_ATTRIBUTES *port_attrs )
{
    ALPC_PORT_ATTRIBUTES attrs;
    UNICODE_STRING str;
    OBJECT_ATTRIBUTES attr;
    WCHAR buffer[MAX_PATH];
    HANDLE port = NULL;
    NTSTATUS status;

    init_unicode( &str, buffer, name );
    InitializeObjectAttributes( &attr, &str, 0, NULL, NULL );
    if (port_attrs) attrs = *port_attrs;
    else init_port_attrs( &attrs, flags, dup_types );
    status = pNtAlpcCreatePort( &port, &attr, &attrs );
    ok_(file, line)( status == STATUS_SUCCESS, "NtAlpcCreatePort(%s) failed: %#lx\n", name, status );
    return status ? NULL : port;
}

static BOOL session_init( struct session *s, const char *scenario, ULONG flags, ULONG dup_types )
{
    memset( s, 0, sizeof(*s) );
    make_name( s->name, bno_dir, scenario );
    s->context = (void *)(ULONG_PTR)(0xa770000 + name_counter);
    s->go = create_event( s->name, "go" );
    s->port = create_port( s->name, flags, dup_types );
    return s->port != NULL;
}

/* receives the client's connection request and accepts it */
#define session_accept(s) session_accept_(__FILE__, __LINE__, s, (s)->port, &(s)->comm, 2 * wait_time())
static BOOL session_accept_( const char *file, int line, struct session *s, HANDLE port, HANDLE *comm, DWORD ms )
{
    NTSTATUS status;
    recv_attrs attrs;
    alpc_msg msg;

    /* a child process has to start first */
    if (!expect_msg_( file, line, port, &msg, &attrs, LPC_CONNECTION_REQUEST, ms )) return FALSE;
    status = pNtAlpcAcceptConnectPort( comm, port, 0, NULL, NULL, s->context, &msg.h, NULL, TRUE );
    ok_(file, line)( status == STATUS_SUCCESS, "NtAlpcAcceptConnectPort failed: %#lx\n", status );
    if (status) *comm = NULL;
    return !status && *comm;
}

/* the client closed its port: LPC_PORT_CLOSED on the connection port */
#define expect_closed(p) expect_closed_(__FILE__, __LINE__, p)
static BOOL expect_closed_( const char *file, int line, HANDLE port )
{
    recv_attrs attrs;
    alpc_msg msg;

    return expect_msg_( file, line, port, &msg, &attrs, LPC_PORT_CLOSED, wait_time() );
}

static void session_end( struct session *s )
{
    finish_client( &s->client );
    if (s->comm) NtClose( s->comm );
    if (s->port) NtClose( s->port );
    s->comm = s->port = NULL;
    close_handle( &s->go );
}


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
 * 3. Port sections and views
 */

/* NtAlpcCreatePortSection and NtAlpcCreateSectionView (OV, NT): a writable
 * view of the new section in the caller */
#define create_view(p, sh, sz, s, v) create_view_(__FILE__, __LINE__, p, sh, sz, s, v)
static BOOL create_view_( const char *file, int line, HANDLE port, HANDLE nt_section, SIZE_T size,
                          ALPC_HANDLE *section, ALPC_DATA_VIEW_ATTR *view )
{
    MEMORY_BASIC_INFORMATION info;
    SIZE_T actual = 0;
    NTSTATUS status;

    *section = NULL;
    status = pNtAlpcCreatePortSection( port, 0, nt_section, size, section, &actual );
    ok_(file, line)( status == STATUS_SUCCESS, "NtAlpcCreatePortSection(%#Ix) failed: %#lx\n", size, status );
    if (status) return FALSE;
    ok_(file, line)( *section != NULL, "no section handle\n" );
    ok_(file, line)( actual >= size, "actual size %#Ix, asked for %#Ix\n", actual, size );

    memset( view, 0, sizeof(*view) );
    view->SectionHandle = *section;
    view->ViewSize = size;
    status = pNtAlpcCreateSectionView( port, 0, view );
    ok_(file, line)( status == STATUS_SUCCESS, "NtAlpcCreateSectionView(%#Ix) failed: %#lx\n", size, status );
    if (status) return FALSE;
    ok_(file, line)( view->ViewBase != NULL, "no ViewBase\n" );
    /* guess: the view is as large as asked */
    ok_(file, line)( view->ViewSize == size, "ViewSize %#Ix, asked for %#Ix\n", view->ViewSize, size );
    if (!view->ViewBase || view->ViewSize < size) return FALSE;
    memset( &info, 0, sizeof(info) );
    VirtualQuery( view->ViewBase, &info, sizeof(info) );
    ok_(file, line)( info.State == MEM_COMMIT && (info.Protect & (PAGE_READWRITE | PAGE_EXECUTE_READWRITE)),
                     "view at %p: state %#lx, protection %#lx\n", view->ViewBase, info.State, info.Protect );
    return info.State == MEM_COMMIT && (info.Protect & (PAGE_READWRITE | PAGE_EXECUTE_READWRITE));
}

/* NtAlpcDeleteSectionView unmaps (LA, OV, TC); the address is no view any more */
#define delete_view(p, b) delete_view_(__FILE__, __LINE__, p, b)
static void delete_view_( const char *file, int line, HANDLE port, void *base )
{
    NTSTATUS status;

    if (!base) return;
    status = pNtAlpcDeleteSectionView( port, 0, base );
    ok_(file, line)( status == STATUS_SUCCESS, "NtAlpcDeleteSectionView(%p) failed: %#lx\n", base, status );
    if (status) return;
    check_free_( file, line, base );
    /* guess: any failure */
    status = pNtAlpcDeleteSectionView( port, 0, base );
    ok_(file, line)( !NT_SUCCESS( status ), "NtAlpcDeleteSectionView(%p) again: %#lx\n", base, status );
}

/* NtAlpcDeletePortSection frees it once (TC) */
#define delete_section(p, s) delete_section_(__FILE__, __LINE__, p, s)
static void delete_section_( const char *file, int line, HANDLE port, ALPC_HANDLE section )
{
    NTSTATUS status;

    if (!section) return;
    status = pNtAlpcDeletePortSection( port, 0, section );
    ok_(file, line)( status == STATUS_SUCCESS, "NtAlpcDeletePortSection failed: %#lx\n", status );
    /* guess: any failure */
    status = pNtAlpcDeletePortSection( port, 0, section );
    ok_(file, line)( !NT_SUCCESS( status ), "NtAlpcDeletePortSection again: %#lx\n", status );
}

/* In the thread runs both sides map and unmap views in one process.  A view
 * may only be mapped while the other side waits for a message, so that no
 * address it has just freed is taken again before it checked that it is
 * free: each side deletes its views before the round trip that lets the
 * other go on mapping. */
static void client_views( const char *name )
{
    ALPC_HANDLE section = NULL, small = NULL, wrapped = NULL;
    ALPC_DATA_VIEW_ATTR view, bad_view;
    MEMORY_BASIC_INFORMATION info;
    LARGE_INTEGER section_size;
    HANDLE port, other, nt_section = NULL;
    view_attrs vattrs;
    recv_attrs attrs;
    NTSTATUS status;
    alpc_msg msg;
    void *base;
    ULONG size;
    int local;

    if (!(port = client_connect( name, 0, 0 ))) return;

    /* 1 MiB through a view; the message itself stays small (OV, NT).  The
     * request goes without a view if there is none, so the server does not
     * wait for it in vain. */
    if (create_view( port, NULL, BIG_VIEW, &section, &view ))
    {
        fill_pattern( view.ViewBase, BIG_VIEW, 0x1234 );
        sync_request( port, "big-view 100000", init_view_attrs( &vattrs, &view ), "big-view-ok" );
        /* still ours, and what we wrote */
        check_pattern( view.ViewBase, BIG_VIEW, 0x1234 );
        delete_view( port, view.ViewBase );
    }
    else sync_request( port, "big-view 0", NULL, "big-view-ok" );
    delete_section( port, section );
    sync_request( port, "big-view-deleted", NULL, "ok" );

    /* guess: an address that is no view, any failure */
    status = pNtAlpcDeleteSectionView( port, 0, &local );
    ok( !NT_SUCCESS( status ), "NtAlpcDeleteSectionView(a stack address): %#lx\n", status );

    if (create_view( port, NULL, SMALL_VIEW, &small, &view ))
    {
        /* guess: a view larger than its section, any failure */
        memset( &bad_view, 0, sizeof(bad_view) );
        bad_view.SectionHandle = small;
        bad_view.ViewSize = 2 * SMALL_VIEW;
        status = pNtAlpcCreateSectionView( port, 0, &bad_view );
        ok( !NT_SUCCESS( status ), "view of %#x bytes of a section of %#x: %#lx\n", 2 * SMALL_VIEW, SMALL_VIEW,
            status );
        if (NT_SUCCESS( status )) pNtAlpcDeleteSectionView( port, 0, bad_view.ViewBase );

        /* guess: a view belongs to its port (the kernel's view has an owner
         * port, ND); another port of the process cannot delete it */
        other = NULL;
        status = pNtAlpcCreatePort( &other, NULL, NULL );
        ok( status == STATUS_SUCCESS, "NtAlpcCreatePort(NULL, NULL) failed: %#lx\n", status );
        if (!status)
        {
            status = pNtAlpcDeleteSectionView( other, 0, view.ViewBase );
            ok( !NT_SUCCESS( status ), "NtAlpcDeleteSectionView through another port: %#lx\n", status );
            /* the view is gone then: nothing more to check about it */
            if (NT_SUCCESS( status )) view.ViewBase = NULL;
            else
            {
                memset( &info, 0, sizeof(info) );
                VirtualQuery( view.ViewBase, &info, sizeof(info) );
                ok( info.State == MEM_COMMIT, "view at %p: state %#lx\n", view.ViewBase, info.State );
            }
            NtClose( other );
        }
        delete_view( port, view.ViewBase );
    }
    delete_section( port, small );

    /* a section of the caller's, wrapped (the reference, 8.2) */
    section_size.QuadPart = SMALL_VIEW;
    status = NtCreateSection( &nt_section, SECTION_ALL_ACCESS, NULL, &section_size, PAGE_READWRITE, SEC_COMMIT, NULL );
    ok( status == STATUS_SUCCESS, "NtCreateSection failed: %#lx\n", status );
    if (!status && create_view( port, nt_section, SMALL_VIEW, &wrapped, &view ))
    {
        fill_pattern( view.ViewBase, SMALL_VIEW, 0x5678 );
        sync_request( port, "wrapped-view 10000", init_view_attrs( &vattrs, &view ), "wrapped-view-ok" );
        delete_view( port, view.ViewBase );
    }
    else sync_request( port, "wrapped-view 0", NULL, "wrapped-view-ok" );
    delete_section( port, wrapped );
    if (nt_section) NtClose( nt_section );

    /* the server maps its view while we wait for this reply, then sends it */
    sync_request( port, "wrapped-view-deleted", NULL, "ok" );
    status = receive_msg( port, &msg, &attrs, CLIENT_WAIT );
    ok( status == STATUS_SUCCESS, "receiving the server's view failed: %#lx\n", status );
    if (!status)
    {
        ok( MSG_TYPE( &msg ) == LPC_REQUEST, "type %#x\n", msg.h.u2.s2.Type );
        /* the server says how large its view is, 0 when it has none */
        size = 0;
        ok( sscanf( msg.data, "server-view %lx", &size ) == 1, "data %s\n", wine_dbgstr_an( msg.data, 32 ));
        base = size ? check_recv_view( &attrs, SMALL_VIEW, 0x9abc ) : NULL;
        reply_msg( port, &msg, "server-view-ok" );
        /* guess: on the port that received it */
        delete_view( port, base );
    }

    sync_request( port, "views-bye", NULL, "bye" );
    client_close( port );
}

static void test_views( BOOL process )
{
    ALPC_DATA_VIEW_ATTR view;
    ALPC_HANDLE section = NULL;
    view_attrs vattrs;
    recv_attrs attrs;
    struct session s;
    NTSTATUS status;
    alpc_msg msg;
    ULONG size;
    void *base;

    if (!session_init( &s, "views", 0, 0 )) goto done;
    if (!start_client( &s.client, process, "views", s.name )) goto done;
    if (!session_accept( &s )) goto done;

    /* the client's 1 MiB view, mapped here with its data (OV, NT); the
     * client says how large it is, 0 when it has none */
    if (!expect_msg( s.port, &msg, &attrs, LPC_REQUEST )) goto done;
    size = ~0u;
    ok( sscanf( msg.data, "big-view %lx", &size ) == 1, "data %s\n", wine_dbgstr_an( msg.data, 32 ));
    base = size ? check_recv_view( &attrs, BIG_VIEW, 0x1234 ) : NULL;
    reply_msg( s.comm, &msg, "big-view-ok" );
    /* guess: deleted through the port that received it (LA, OV: the receiver deletes it) */
    delete_view( s.port, base );
    if (!expect_request( s.port, &msg, &attrs, "big-view-deleted" )) goto done;
    reply_msg( s.comm, &msg, "ok" );

    /* the wrapped section's */
    if (!expect_msg( s.port, &msg, &attrs, LPC_REQUEST )) goto done;
    size = ~0u;
    ok( sscanf( msg.data, "wrapped-view %lx", &size ) == 1, "data %s\n", wine_dbgstr_an( msg.data, 32 ));
    base = size ? check_recv_view( &attrs, SMALL_VIEW, 0x5678 ) : NULL;
    reply_msg( s.comm, &msg, "wrapped-view-ok" );
    delete_view( s.port, base );
    if (!expect_request( s.port, &msg, &attrs, "wrapped-view-deleted" )) goto done;

    /* guess: a view of the server's, made on the communication port, to the client */
    view.ViewBase = NULL;
    if (create_view( s.comm, NULL, SMALL_VIEW, &section, &view ))
    {
        fill_pattern( view.ViewBase, SMALL_VIEW, 0x9abc );
        reply_msg( s.comm, &msg, "ok" );
        set_msg( &msg, "server-view 10000" );
        status = send_msg( s.comm, 0, &msg, init_view_attrs( &vattrs, &view ));
    }
    else
    {
        reply_msg( s.comm, &msg, "ok" );
        set_msg( &msg, "server-view 0" );
        status = send_msg( s.comm, 0, &msg, NULL );
    }
    ok( status == STATUS_SUCCESS, "request to the client failed: %#lx\n", status );
    if (!status && expect_msg( s.port, &msg, &attrs, LPC_REPLY )) check_data( &msg, "server-view-ok" );
    delete_view( s.comm, view.ViewBase );
    delete_section( s.comm, section );

    if (!expect_request( s.port, &msg, &attrs, "views-bye" )) goto done;
    reply_msg( s.comm, &msg, "bye" );
    expect_closed( s.port );
done:
    session_end( &s );
}


/* ALPC_PORT_ATTRIBUTES' section and view limits, given when the connection
 * port is made (which its communication ports keep, guess) or when a client
 * connects.  The statuses are guesses: no public source shows them. */
#define LIMIT_SECTION 0x10000
#define LIMIT_VIEW    0x4000
#define LIMIT_TOTAL   0x18000
#define CLIENT_LIMIT_SECTION 0x8000

static void init_limit_attrs( ALPC_PORT_ATTRIBUTES *attrs, SIZE_T section, SIZE_T view, SIZE_T total )
{
    init_port_attrs( attrs, 0, 0 );
    attrs->MaxSectionSize = section;
    attrs->MaxViewSize = view;
    attrs->MaxTotalSectionSize = total;
}

#define check_limits(p, s, v, t) check_limits_(__FILE__, __LINE__, p, s, v, t)
static void check_limits_( const char *file, int line, HANDLE port, SIZE_T max_section, SIZE_T max_view,
                           SIZE_T max_total )
{
    ALPC_HANDLE section = NULL, second = NULL;
    ALPC_DATA_VIEW_ATTR view;
    SIZE_T actual;
    NTSTATUS status;

    status = pNtAlpcCreatePortSection( port, 0, NULL, max_section + 0x1000, &section, &actual );
    ok_(file, line)( status == STATUS_SECTION_TOO_BIG, "section over the limit: %#lx\n", status );
    if (!status) delete_section_( file, line, port, section );

    if (!create_view_( file, line, port, NULL, max_view, &section, &view )) return;
    delete_view_( file, line, port, view.ViewBase );
    memset( &view, 0, sizeof(view) );
    view.SectionHandle = section;
    view.ViewSize = max_view + 0x1000;
    status = pNtAlpcCreateSectionView( port, 0, &view );
    ok_(file, line)( status == STATUS_INVALID_VIEW_SIZE, "view over the limit: %#lx\n", status );
    if (!status) delete_view_( file, line, port, view.ViewBase );
    if (max_view < max_section)
    {
        /* a view of all of a section that is larger than the limit */
        delete_section_( file, line, port, section );
        status = pNtAlpcCreatePortSection( port, 0, NULL, max_section, &section, &actual );
        ok_(file, line)( status == STATUS_SUCCESS, "section at the limit failed: %#lx\n", status );
        memset( &view, 0, sizeof(view) );
        view.SectionHandle = section;
        status = pNtAlpcCreateSectionView( port, 0, &view );
        ok_(file, line)( status == STATUS_INVALID_VIEW_SIZE, "view of all of it: %#lx\n", status );
        if (!status) delete_view_( file, line, port, view.ViewBase );
    }

    if (max_total)
    {
        /* callers with a total have a view limit below the section limit, so
         * the section of max_section is there, and leaves no room for another */
        status = pNtAlpcCreatePortSection( port, 0, NULL, max_section, &second, &actual );
        ok_(file, line)( status == STATUS_QUOTA_EXCEEDED, "sections over the total: %#lx\n", status );
        if (!status) delete_section_( file, line, port, second );
        /* what is deleted counts no more */
        delete_section_( file, line, port, section );
        status = pNtAlpcCreatePortSection( port, 0, NULL, max_section, &second, &actual );
        ok_(file, line)( status == STATUS_SUCCESS, "section after deleting one failed: %#lx\n", status );
        if (!status) delete_section_( file, line, port, second );
    }
    else delete_section_( file, line, port, section );
}

static void client_limits( const char *name )
{
    ALPC_PORT_ATTRIBUTES attrs;
    HANDLE port;

    init_limit_attrs( &attrs, CLIENT_LIMIT_SECTION, ~(SIZE_T)0, 0 );
    if (!(port = client_connect_( __FILE__, __LINE__, name, 0, 0, &attrs ))) return;
    check_limits( port, CLIENT_LIMIT_SECTION, CLIENT_LIMIT_SECTION, 0 );
    sync_request( port, "limits-done", NULL, "ok" );
    client_close( port );
}

static void test_limits( BOOL process )
{
    ALPC_PORT_ATTRIBUTES attrs;
    ALPC_HANDLE section;
    recv_attrs rattrs;
    struct session s;
    NTSTATUS status;
    SIZE_T actual;
    alpc_msg msg;

    memset( &s, 0, sizeof(s) );
    make_name( s.name, bno_dir, "limits" );
    init_limit_attrs( &attrs, LIMIT_SECTION, LIMIT_VIEW, LIMIT_TOTAL );
    if (!(s.port = create_port_( __FILE__, __LINE__, s.name, 0, 0, &attrs ))) goto done;
    if (!process) check_limits( s.port, LIMIT_SECTION, LIMIT_VIEW, LIMIT_TOTAL );
    if (!start_client( &s.client, process, "limits", s.name )) goto done;
    if (!session_accept( &s )) goto done;
    if (process) check_limits( s.comm, LIMIT_SECTION, LIMIT_VIEW, LIMIT_TOTAL );
    if (!expect_request( s.port, &msg, &rattrs, "limits-done" )) goto done;
    reply_msg( s.comm, &msg, "ok" );
    expect_closed( s.port );

    /* 0 and SIZE_MAX are no limit (OV passes SIZE_MAX, TC 0) */
    init_limit_attrs( &attrs, 0, ~(SIZE_T)0, 0 );
    NtClose( s.port );
    s.port = create_port_( __FILE__, __LINE__, s.name, 0, 0, &attrs );
    if (s.port)
    {
        status = pNtAlpcCreatePortSection( s.port, 0, NULL, 0x100000, &section, &actual );
        ok( status == STATUS_SUCCESS, "section without a limit failed: %#lx\n", status );
        if (!status) delete_section( s.port, section );
    }
done:
    session_end( &s );
}


/***********************************************************************
 * 4. After all of the above, a plain connection still works
 */

static void client_ping( const char *name )
{
    HANDLE port;

    if (!(port = client_connect( name, 0, 0 ))) return;
    sync_request( port, "ping", NULL, "pong" );
    client_close( port );
}

static void test_still_works( BOOL process )
{
    recv_attrs attrs;
    struct session s;
    alpc_msg msg;

    if (!session_init( &s, "ping", 0, 0 )) goto done;
    if (!start_client( &s.client, process, "ping", s.name )) goto done;
    if (!session_accept( &s )) goto done;
    if (!expect_request( s.port, &msg, &attrs, "ping" )) goto done;
    ok( msg.h.ClientId.UniqueProcess == ULongToHandle( s.client.pid ), "sender process %p, expected %04lx\n",
        msg.h.ClientId.UniqueProcess, s.client.pid );
    check_no_handle( &attrs );
    ok( !(attrs.header.ValidAttributes & ALPC_MESSAGE_VIEW_ATTRIBUTE), "view attribute, valid %#lx\n",
        attrs.header.ValidAttributes );
    ok( (attrs.header.ValidAttributes & ALPC_MESSAGE_CONTEXT_ATTRIBUTE) && attrs.context.PortContext == s.context,
        "valid %#lx, PortContext %p\n", attrs.header.ValidAttributes, attrs.context.PortContext );
    reply_msg( s.comm, &msg, "pong" );
    expect_closed( s.port );
done:
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
    { "views", client_views },
    { "limits", client_limits },
    { "connect-attrs", client_connect_attrs },
    { "ping", client_ping },
};

static void run_client( const char *scenario, const char *port )
{
    run_client_scenario( client_scenarios, ARRAY_SIZE(client_scenarios), scenario, port );
}

START_TEST(alpc_attrs)
{
    int argc = winetest_get_mainargs( &test_argv ), process;

    if (!init_functions()) return;

    if (argc >= 5 && !strcmp( test_argv[2], "client" ))
    {
        start_watchdog( 60000 );
        run_client( test_argv[3], test_argv[4] );
        return;
    }

    /* the harness allows 180 s */
    start_watchdog( 150000 );

#define RUN(call) do { if (!too_many_timeouts()) call; } while (0)
    RUN( test_set_information() );
    /* the client in a thread of this process, then in a child process */
    for (process = 0; process < 2; process++)
    {
        winetest_push_context( process ? "process" : "thread" );
        RUN( test_completion_port( process ) );
        RUN( test_handles( process ) );
        RUN( test_handles_denied( process ) );
        RUN( test_views( process ) );
        RUN( test_limits( process ) );
        RUN( test_connect_attrs( process ) );
        RUN( test_still_works( process ) );
        winetest_pop_context();
    }
#undef RUN
}
