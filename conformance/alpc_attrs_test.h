/*
 * What the ALPC attribute programs alpc_attrs.c (completion ports, handle
 * attributes, attributes on connection messages) and alpc_views.c (port
 * sections and views, their limits) share.  Include after port_test.h.
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

#ifndef __WINE_LPC_ALPC_ATTRS_TEST_H
#define __WINE_LPC_ALPC_ATTRS_TEST_H

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

static inline BOOL init_functions(void)
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
static inline void init_port_attrs( ALPC_PORT_ATTRIBUTES *attrs, ULONG flags, ULONG dup_types )
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
static inline HANDLE new_event( BOOL signaled )
{
    HANDLE event = CreateEventA( NULL, TRUE, signaled, NULL );
    ok( event != NULL, "CreateEvent failed: %lu\n", GetLastError() );
    return event;
}

#define is_signaled(h) is_signaled_(__FILE__, __LINE__, h)
static inline BOOL is_signaled_( const char *file, int line, HANDLE handle )
{
    DWORD ret = WaitForSingleObject( handle, 0 );
    ok_(file, line)( ret == WAIT_OBJECT_0 || ret == WAIT_TIMEOUT, "WaitForSingleObject(%p): %#lx\n", handle, ret );
    return ret == WAIT_OBJECT_0;
}

/* the access a handle grants, or 0 when it is no handle */
static inline ACCESS_MASK handle_access( HANDLE handle )
{
    OBJECT_BASIC_INFORMATION info;
    NTSTATUS status;

    memset( &info, 0, sizeof(info) );
    status = NtQueryObject( handle, ObjectBasicInformation, &info, sizeof(info), NULL );
    return status ? 0 : info.GrantedAccess;
}

/* text as the data of a message, header lengths included */
static inline void set_data( alpc_msg *msg, const char *text )
{
    SHORT len = strlen( text ) + 1;

    msg->h.u1.s1.DataLength = len;
    msg->h.u1.s1.TotalLength = HDR_SIZE + len;
    memcpy( msg->data, text, len );
}

/* a message carrying text, with a clean header */
static inline void set_msg( alpc_msg *msg, const char *text )
{
    memset( &msg->h, 0, sizeof(msg->h) );
    set_data( msg, text );
}

/* a reply to a received message: its ClientId, MessageId and CallbackId, new data */
static inline void make_reply( alpc_msg *reply, const alpc_msg *request, const char *text )
{
    reply->h = request->h;
    reply->h.u2.ZeroInit = 0;
    set_data( reply, text );
}

#define check_data(msg, text) check_data_(__FILE__, __LINE__, msg, text)
static inline BOOL check_data_( const char *file, int line, const alpc_msg *msg, const char *text )
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
static inline ALPC_MESSAGE_ATTRIBUTES *init_recv_attrs( recv_attrs *attrs )
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
static inline ALPC_MESSAGE_ATTRIBUTES *init_handle_attrs( handle_attrs *attrs, ULONG flags, HANDLE handle,
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
static inline ALPC_MESSAGE_ATTRIBUTES *init_indirect_attrs( handle_attrs *attrs, ALPC_HANDLE_ATTR32 *array,
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
static inline ALPC_MESSAGE_ATTRIBUTES *init_view_attrs( view_attrs *attrs, const ALPC_DATA_VIEW_ATTR *view )
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
static inline void fill_pattern( void *base, SIZE_T size, ULONG seed )
{
    ULONG *p = base;
    SIZE_T i;

    for (i = 0; i < size / sizeof(ULONG); i++) p[i] = seed ^ (ULONG)(i * 2654435761u);
}

#define check_pattern(b, s, e) check_pattern_(__FILE__, __LINE__, b, s, e)
static inline void check_pattern_( const char *file, int line, const void *base, SIZE_T size, ULONG seed )
{
    const ULONG *p = base;
    SIZE_T i;

    for (i = 0; i < size / sizeof(ULONG); i++) if (p[i] != (seed ^ (ULONG)(i * 2654435761u))) break;
    ok_(file, line)( i == size / sizeof(ULONG), "view data differs at offset %#Ix of %#Ix\n", i * sizeof(ULONG),
                     size );
}

#define check_free(b) check_free_(__FILE__, __LINE__, b)
static inline void check_free_( const char *file, int line, void *base )
{
    MEMORY_BASIC_INFORMATION info;

    memset( &info, 0, sizeof(info) );
    ok_(file, line)( VirtualQuery( base, &info, sizeof(info) ) == sizeof(info), "VirtualQuery failed: %lu\n",
                     GetLastError() );
    ok_(file, line)( info.State == MEM_FREE, "view at %p: state %#lx\n", base, info.State );
}

/* a datagram (OV, TC: RELEASE_MESSAGE on a new message) or any send without a receive */
static inline NTSTATUS send_msg( HANDLE port, ULONG flags, alpc_msg *msg, ALPC_MESSAGE_ATTRIBUTES *attrs )
{
    return pNtAlpcSendWaitReceivePort( port, flags, &msg->h, attrs, NULL, NULL, NULL, NULL );
}

/* waits for the next message, with the attributes when attrs is given */
static inline NTSTATUS receive_msg( HANDLE port, alpc_msg *msg, recv_attrs *attrs, DWORD ms )
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
static inline BOOL expect_msg_( const char *file, int line, HANDLE port, alpc_msg *msg, recv_attrs *attrs,
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
static inline BOOL expect_request_( const char *file, int line, HANDLE port, alpc_msg *msg, recv_attrs *attrs,
                             const char *text )
{
    if (!expect_msg_( file, line, port, msg, attrs, LPC_REQUEST, wait_time() )) return FALSE;
    return check_data_( file, line, msg, text );
}

/* nothing is queued on the port */
#define expect_no_msg(p, ms) expect_no_msg_(__FILE__, __LINE__, p, ms)
static inline void expect_no_msg_( const char *file, int line, HANDLE port, DWORD ms )
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
static inline NTSTATUS reply_msg_( const char *file, int line, HANDLE port, const alpc_msg *request, const char *text )
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
static inline NTSTATUS sync_request_( const char *file, int line, HANDLE port, const char *text,
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
static inline HANDLE check_recv_handle_( const char *file, int line, const recv_attrs *attrs, ULONG type,
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
static inline void check_recv_indirect_( const char *file, int line, HANDLE port, alpc_msg *msg, const recv_attrs *attrs )
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
static inline void *check_recv_view_( const char *file, int line, const recv_attrs *attrs, SIZE_T size, ULONG seed )
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
static inline HANDLE client_connect_( const char *file, int line, const char *name, ULONG flags, ULONG dup_types,
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
static inline HANDLE create_port_( const char *file, int line, const char *name, ULONG flags, ULONG dup_types,
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

static inline BOOL session_init( struct session *s, const char *scenario, ULONG flags, ULONG dup_types )
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
static inline BOOL session_accept_( const char *file, int line, struct session *s, HANDLE port, HANDLE *comm, DWORD ms )
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
static inline BOOL expect_closed_( const char *file, int line, HANDLE port )
{
    recv_attrs attrs;
    alpc_msg msg;

    return expect_msg_( file, line, port, &msg, &attrs, LPC_PORT_CLOSED, wait_time() );
}

static inline void session_end( struct session *s )
{
    finish_client( &s->client );
    if (s->comm) NtClose( s->comm );
    if (s->port) NtClose( s->port );
    s->comm = s->port = NULL;
    close_handle( &s->go );
}


/***********************************************************************
 * 4. After all of the above, a plain connection still works
 */

static inline void client_ping( const char *name )
{
    HANDLE port;

    if (!(port = client_connect( name, 0, 0 ))) return;
    sync_request( port, "ping", NULL, "pong" );
    client_close( port );
}

static inline void test_still_works( BOOL process )
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

#endif
