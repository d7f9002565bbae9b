/*
 * ncalrpc over ALPC ports, in Windows' LRPC message layout
 *
 * Copyright 2026 wine-lpc authors
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
 * rpcrt4's core speaks DCE packets to its transports; this one turns them
 * into LRPC messages on ALPC ports and back:
 *
 * - A server endpoint is an ALPC connection port "\RPC Control\<endpoint>".
 *   Every message of every client arrives there.  Receiver threads of the
 *   transport (or the protseq's server thread, if they cannot be started)
 *   accept connections and turn each bind and request into a DCE packet for
 *   a server RpcConnection per (ALPC connection, binding id), as rpcrt4 keeps
 *   one interface per connection.  These have no io threads: a receiver runs
 *   the packet itself or gives it to rpcrt4's worker threads.  All bindings
 *   of one ALPC connection share one server association (context handles).
 * - A client association has one ALPC port, shared by its RpcConnections,
 *   each of which binds under its own binding id.  A call is one
 *   synchronous ALPC request; its reply is the response or fault.
 * - rpcrt4 writes one DCE fragment at a time: fragments are joined until the
 *   last one, and received replies are cut into fragments again.
 * - A worker thread says which request it runs (rpc_server.c), as rpcrt4's
 *   responses do not carry its call id: that names the ALPC message they
 *   answer and whose sender impersonation takes.
 */

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "ntstatus.h"
#define WIN32_NO_STATUS
#include "windef.h"
#include "winbase.h"
#include "winternl.h"
#include "rpc.h"
#include "rpcndr.h"
#include "ntdef/ntlpcapi.h"

#include "wine/debug.h"
#include "wine/list.h"

#include "rpc_binding.h"
#include "rpc_assoc.h"
#include "rpc_message.h"
#include "rpc_server.h"
#include "ncastatus.h"
#include "rpc_alpc.h"
#include "lrpc_layout.h"

#ifndef RTL_CRITICAL_SECTION_FLAG_FORCE_DEBUG_INFO  /* Wine 8.0 always allocates DebugInfo; Wine 9 on only when asked */
#define RTL_CRITICAL_SECTION_FLAG_FORCE_DEBUG_INFO 0x10000000
#endif

WINE_DEFAULT_DEBUG_CHANNEL(rpc);

/* DCE fragments we hand to rpcrt4 carry at most this much data */
#define LRPC_FRAGMENT_DATA  0xfe00

static const RPC_SYNTAX_IDENTIFIER ndr_syntax =
    {{0x8a885d04, 0x1ceb, 0x11c9, {0x9f, 0xe8, 0x08, 0x00, 0x2b, 0x10, 0x48, 0x60}}, {2, 0}};

/* Windows' PORT_MESSAGE: Wine 8.0's winternl.h has an older, shorter one */
typedef struct
{
    SHORT     DataLength;
    SHORT     TotalLength;
    SHORT     Type;
    SHORT     DataInfoOffset;
    CLIENT_ID ClientId;
    ULONG     MessageId;
    ULONG     Unused;
    ULONG     CallbackId;
    ULONG     Unused2;
} lrpc_port_header;

C_ASSERT( sizeof(lrpc_port_header) == 0x28 );

typedef struct
{
    lrpc_port_header h;
    BYTE             data[LRPC_MAX_MESSAGE_LENGTH - sizeof(lrpc_port_header)];
} lrpc_port_msg;

struct lrpc_attrs
{
    ALPC_MESSAGE_ATTRIBUTES header;
    ALPC_DATA_VIEW_ATTR     view;
    ALPC_CONTEXT_ATTR       context;
};

/* one ALPC connection */
struct lrpc_link
{
    LONG             ref;
    HANDLE           port;        /* client: its port; server: the communication port */
    CRITICAL_SECTION cs;
    struct list      entry;       /* client: in client_links */
    void            *key;         /* client: the RpcAssoc sharing it */
    ULONG            assoc_gid;   /* the association group rpcrt4 knows it by */
    LONG             next_binding;
    ULONG            client_pid;  /* server */
    struct list      conns;       /* server: its RpcConnection_alpc, by binding id */
    BOOL             closed;
    struct _RpcConnection_alpc *listener; /* server: the endpoint it came in on */
    struct list      listener_entry;
};

/* a message received, to be given to rpcrt4 as DCE fragments */
struct lrpc_incoming
{
    struct list    entry;
    RpcPktHdr     *packet;        /* a whole packet: bind, bind_ack, bind_nack */
    unsigned char  ptype;         /* else: PKT_RESPONSE or PKT_FAULT */
    ULONG          call_id;
    ULONG          status;        /* fault: NCA status */
    unsigned char *data;
    ULONG          size;
    ULONG          offset;
};

/* server: a request for a receiver thread to run */
struct lrpc_packet
{
    RpcConnection *conn;
    RpcPktHdr     *hdr;
    RPC_MESSAGE   *msg;
};

/* server: a request waiting for its response */
struct lrpc_call
{
    struct list    entry;
    ULONG          call_id;       /* DCE call id given to rpcrt4 */
    ULONG          lrpc_call_id;  /* the client's CallId */
    lrpc_port_header request;     /* what the reply answers */
    unsigned char *out;           /* response fragments joined */
    ULONG          out_size;
    ULONG          out_alloc;
};

typedef struct _RpcConnection_alpc
{
    RpcConnection     common;
    BOOL              is_listener;
    HANDLE            port;       /* server listener: the connection port */
    SECURITY_DESCRIPTOR *sd;      /* server listener: its port's, self-relative */
    struct list       links;      /* server listener: its ALPC connections */
    LONG              active;     /* server listener: RpcConnections made from it */
    BOOL              closing;    /* server listener: closes once they are gone */
    lrpc_port_msg    *receive;    /* server listener: the message being dispatched */
    LONG              receivers;  /* server listener: threads receiving on its port */
    HANDLE            receiving;  /* server listener: the port they were started for */
    LONG              idle;       /* server listener: those of them waiting */
    struct _RpcConnection_alpc *listener; /* server */
    struct lrpc_link *link;
    USHORT            binding_id;
    struct list       link_entry; /* server: in link->conns */
    CRITICAL_SECTION  cs;
    struct list       incoming;   /* client */
    LONG              owned;      /* server: its link holds a reference */
    BOOL              bound;      /* server: rpcrt4 accepted its bind */
    struct list       calls;      /* server */
    LONG              next_call;
    lrpc_port_header  bind_request; /* server: the bind to reply to */
    RPC_SYNTAX_IDENTIFIER bind_iface;
    /* client */
    unsigned char    *out;        /* request fragments joined */
    ULONG             out_size;
    ULONG             out_alloc;
    ULONG             out_call_id;
    USHORT            out_opnum;
    BOOL              out_has_object;
    GUID              out_object;
    BOOL              send_pending; /* an asynchronous call's request waits to be sent */
} RpcConnection_alpc;

typedef struct
{
    RpcServerProtseq common;
    HANDLE           mgr_event;
} RpcServerProtseq_alpc;

static CRITICAL_SECTION client_links_cs;
static CRITICAL_SECTION_DEBUG client_links_cs_debug =
{
    0, 0, &client_links_cs,
    { &client_links_cs_debug.ProcessLocksList, &client_links_cs_debug.ProcessLocksList },
      0, 0, { (DWORD_PTR)(__FILE__ ": client_links_cs") }
};
static CRITICAL_SECTION client_links_cs = { &client_links_cs_debug, -1, 0, 0, 0, 0 };
static struct list client_links = LIST_INIT( client_links );

static DWORD current_call_tls = TLS_OUT_OF_INDEXES;

static RPC_STATUS rpc_status_from_nt( NTSTATUS status )
{
    switch (status)
    {
    case STATUS_OBJECT_NAME_NOT_FOUND:
    case STATUS_OBJECT_PATH_NOT_FOUND:
    case STATUS_PORT_CONNECTION_REFUSED:
    case STATUS_OBJECT_TYPE_MISMATCH:
        return RPC_S_SERVER_UNAVAILABLE;
    case STATUS_TIMEOUT:  /* the server did not accept in time */
        return RPC_S_SERVER_TOO_BUSY;
    case STATUS_ACCESS_DENIED:
        return RPC_S_ACCESS_DENIED;
    case STATUS_NO_MEMORY:
        return RPC_S_OUT_OF_MEMORY;
    default:
        return RPC_S_CALL_FAILED;
    }
}

static void init_attrs( struct lrpc_attrs *attrs, ULONG flags )
{
    SIZE_T needed;
    memset( attrs, 0, sizeof(*attrs) );
    AlpcInitializeMessageAttribute( flags, &attrs->header, sizeof(*attrs), &needed );
}

static void init_port_attributes( ALPC_PORT_ATTRIBUTES *attr, const RpcQualityOfService *qos )
{
    memset( attr, 0, sizeof(*attr) );
    attr->Flags = ALPC_PORFLG_ALLOW_IMPERSONATION | ALPC_PORFLG_ALLOW_DUP_OBJECT | ALPC_PORFLG_WAITABLE_PORT;
    attr->SecurityQos.Length = sizeof(attr->SecurityQos);
    attr->SecurityQos.ImpersonationLevel = SecurityImpersonation;
    attr->SecurityQos.ContextTrackingMode = SECURITY_STATIC_TRACKING;
    if (qos)
    {
        switch (qos->qos->ImpersonationType)
        {
        case RPC_C_IMP_LEVEL_ANONYMOUS: attr->SecurityQos.ImpersonationLevel = SecurityAnonymous; break;
        case RPC_C_IMP_LEVEL_IDENTIFY: attr->SecurityQos.ImpersonationLevel = SecurityIdentification; break;
        case RPC_C_IMP_LEVEL_DELEGATE: attr->SecurityQos.ImpersonationLevel = SecurityDelegation; break;
        default: break;
        }
        if (qos->qos->IdentityTracking == RPC_C_QOS_IDENTITY_DYNAMIC)
            attr->SecurityQos.ContextTrackingMode = SECURITY_DYNAMIC_TRACKING;
    }
    attr->MaxMessageLength = LRPC_MAX_MESSAGE_LENGTH;
    attr->MaxPoolUsage = attr->MaxSectionSize = attr->MaxViewSize = attr->MaxTotalSectionSize = ~(SIZE_T)0;
    attr->DupObjectTypes = ALPC_PORFLG_OBJECT_TYPE_ALL;
}

static BOOL append_data( unsigned char **buf, ULONG *size, ULONG *alloc, const void *data, ULONG len )
{
    if (*size + len > *alloc)
    {
        ULONG new_alloc = max( *size + len, *alloc * 2 );
        unsigned char *new_buf = realloc( *buf, new_alloc );
        if (!new_buf) return FALSE;
        *buf = new_buf;
        *alloc = new_alloc;
    }
    memcpy( *buf + *size, data, len );
    *size += len;
    return TRUE;
}

/* data of a received message, for I_RpcFree: immediate, or copied out of its
 * view, which is then released */
static unsigned char *take_message_data( HANDLE port, const lrpc_port_msg *msg, const struct lrpc_info *info,
                                         struct lrpc_attrs *attrs )
{
    unsigned char *data;
    void *view = NULL;

    if ((attrs->header.ValidAttributes & ALPC_MESSAGE_VIEW_ATTRIBUTE) && attrs->view.ViewBase)
        view = attrs->view.ViewBase;

    if (!info->large)
    {
        if (view) NtAlpcDeleteSectionView( port, 0, view );
        if (!(data = I_RpcAllocate( max( info->data_size, 1 ) ))) return NULL;
        memcpy( data, msg->data + info->header_size, info->data_size );
        return data;
    }
    if (!view || attrs->view.ViewSize < info->data_size)
    {
        WARN( "large message without a view of %lu bytes\n", info->data_size );
        if (view) NtAlpcDeleteSectionView( port, 0, view );
        return NULL;
    }
    if ((data = I_RpcAllocate( max( info->data_size, 1 ) ))) memcpy( data, view, info->data_size );
    NtAlpcDeleteSectionView( port, 0, view );
    return data;
}

/* send one LRPC message; large data goes in a view of a section made for it */
static NTSTATUS send_lrpc( HANDLE port, ULONG flags, lrpc_port_header *reply_to, const void *header, ULONG header_size,
                           const unsigned char *data, ULONG size, BOOL large, lrpc_port_msg *receive,
                           struct lrpc_attrs *receive_attrs )
{
    struct lrpc_attrs attrs;
    lrpc_port_msg msg;
    ALPC_HANDLE section = 0;
    SIZE_T actual, len = sizeof(*receive);
    NTSTATUS status;

    memset( &msg.h, 0, sizeof(msg.h) );
    if (reply_to)
    {
        msg.h.ClientId = reply_to->ClientId;
        msg.h.MessageId = reply_to->MessageId;
        msg.h.CallbackId = reply_to->CallbackId;
    }
    memcpy( msg.data, header, header_size );
    init_attrs( &attrs, ALPC_MESSAGE_VIEW_ATTRIBUTE );
    if (large)
    {
        status = NtAlpcCreatePortSection( port, 0, NULL, size, &section, &actual );
        if (status) return status;
        attrs.view.SectionHandle = section;
        attrs.view.ViewSize = size;
        if ((status = NtAlpcCreateSectionView( port, 0, &attrs.view )))
        {
            NtAlpcDeletePortSection( port, 0, section );
            return status;
        }
        memcpy( attrs.view.ViewBase, data, size );
        attrs.header.ValidAttributes = ALPC_MESSAGE_VIEW_ATTRIBUTE;
        msg.h.DataLength = header_size;
    }
    else
    {
        memcpy( msg.data + header_size, data, size );
        msg.h.DataLength = header_size + size;
    }
    msg.h.TotalLength = sizeof(msg.h) + msg.h.DataLength;

    status = NtAlpcSendWaitReceivePort( port, flags, (PORT_MESSAGE *)&msg.h, large ? &attrs.header : NULL,
                                        receive ? (PORT_MESSAGE *)&receive->h : NULL, receive ? &len : NULL,
                                        receive ? &receive_attrs->header : NULL, NULL );
    if (large)
    {
        NtAlpcDeleteSectionView( port, 0, attrs.view.ViewBase );
        NtAlpcDeletePortSection( port, 0, section );
    }
    return status;
}

static void queue_incoming( RpcConnection_alpc *conn, struct lrpc_incoming *in )
{
    EnterCriticalSection( &conn->cs );
    list_add_tail( &conn->incoming, &in->entry );
    LeaveCriticalSection( &conn->cs );
}

static void free_incoming( struct lrpc_incoming *in )
{
    free( in->packet );
    I_RpcFree( in->data );
    free( in );
}

static struct lrpc_incoming *incoming_packet( RpcPktHdr *packet )
{
    struct lrpc_incoming *in;

    if (!packet) return NULL;
    if (!(in = calloc( 1, sizeof(*in) )))
    {
        free( packet );
        return NULL;
    }
    packet->common.flags |= RPC_FLG_FIRST | RPC_FLG_LAST;
    in->packet = packet;
    return in;
}

static void release_link( struct lrpc_link *link )
{
    if (InterlockedDecrement( &link->ref )) return;
    if (link->key)
    {
        EnterCriticalSection( &client_links_cs );
        list_remove( &link->entry );
        LeaveCriticalSection( &client_links_cs );
    }
    TRACE( "closing ALPC port %p\n", link->port );
    if (link->port) NtClose( link->port );
    link->cs.DebugInfo->Spare[0] = 0;
    DeleteCriticalSection( &link->cs );
    free( link );
}

static struct lrpc_link *alloc_link( HANDLE port )
{
    struct lrpc_link *link = calloc( 1, sizeof(*link) );

    if (!link) return NULL;
    link->ref = 1;
    link->port = port;
    link->next_binding = 1;
    list_init( &link->conns );
    list_init( &link->entry );
    list_init( &link->listener_entry );
    InitializeCriticalSectionEx( &link->cs, 0, RTL_CRITICAL_SECTION_FLAG_FORCE_DEBUG_INFO );
    link->cs.DebugInfo->Spare[0] = (DWORD_PTR)(__FILE__ ": lrpc_link.cs");
    return link;
}

RpcConnection *rpcrt4_conn_alpc_alloc(void)
{
    RpcConnection_alpc *conn = calloc( 1, sizeof(*conn) );

    if (!conn) return NULL;
    InitializeCriticalSectionEx( &conn->cs, 0, RTL_CRITICAL_SECTION_FLAG_FORCE_DEBUG_INFO );
    conn->cs.DebugInfo->Spare[0] = (DWORD_PTR)(__FILE__ ": RpcConnection_alpc.cs");
    list_init( &conn->incoming );
    list_init( &conn->calls );
    list_init( &conn->link_entry );
    list_init( &conn->links );
    return &conn->common;
}

/* the client side */

static NTSTATUS connect_port( RpcConnection_alpc *conn, HANDLE *port )
{
    WCHAR name[MAX_PATH];
    UNICODE_STRING str;
    ALPC_PORT_ATTRIBUTES attr;
    LARGE_INTEGER timeout;

    if (!lrpc_port_name( conn->common.Endpoint, name, ARRAY_SIZE(name) )) return STATUS_OBJECT_NAME_INVALID;
    RtlInitUnicodeString( &str, name );
    init_port_attributes( &attr, conn->common.QOS );
    timeout.QuadPart = -5000 * (LONGLONG)10000;
    TRACE( "connecting to %s\n", debugstr_w(name) );
    return NtAlpcConnectPort( port, &str, NULL, &attr, ALPC_SYNC_CONNECTION, NULL, NULL, NULL, NULL, NULL, &timeout );
}

RPC_STATUS rpcrt4_ncalrpc_alpc_open( RpcConnection *common )
{
    RpcConnection_alpc *conn = (RpcConnection_alpc *)common;
    struct lrpc_link *link;
    HANDLE port;
    NTSTATUS status;

    if (conn->link) return RPC_S_OK;

    /* the association's connections share its port */
    EnterCriticalSection( &client_links_cs );
    LIST_FOR_EACH_ENTRY( link, &client_links, struct lrpc_link, entry )
    {
        if (common->assoc && link->key == common->assoc && !link->closed)
        {
            InterlockedIncrement( &link->ref );
            conn->link = link;
            LeaveCriticalSection( &client_links_cs );
            return RPC_S_OK;
        }
    }
    LeaveCriticalSection( &client_links_cs );

    if ((status = connect_port( conn, &port )))
    {
        WARN( "connect to %s failed: %#lx\n", debugstr_a(common->Endpoint), status );
        return rpc_status_from_nt( status );
    }
    if (!(link = alloc_link( port )))
    {
        NtClose( port );
        return RPC_S_OUT_OF_RESOURCES;
    }
    link->assoc_gid = HandleToULong( port ) ^ GetCurrentProcessId() << 16;
    if (!link->assoc_gid) link->assoc_gid = 1;
    conn->link = link;
    if ((link->key = common->assoc))
    {
        EnterCriticalSection( &client_links_cs );
        list_add_tail( &client_links, &link->entry );
        LeaveCriticalSection( &client_links_cs );
    }
    return RPC_S_OK;
}

RPC_STATUS rpcrt4_ncalrpc_alpc_handoff( RpcConnection *old_conn, RpcConnection *new_conn )
{
    /* the dispatcher makes server connections itself */
    return RPC_S_INTERNAL_ERROR;
}

/* the reply to a client's bind or request, as DCE packets for rpcrt4 */
static void queue_reply( RpcConnection_alpc *conn, const lrpc_port_msg *msg, struct lrpc_attrs *attrs,
                         ULONG call_id )
{
    struct lrpc_incoming *in = NULL;
    struct lrpc_info info;
    ULONG size = msg->h.DataLength;

    if (size > sizeof(msg->data) || !lrpc_parse( msg->data, size, &info ))
    {
        WARN( "malformed reply, %lu bytes\n", size );
        goto failed;
    }
    switch (info.type)
    {
    case lmtBind:
    {
        RpcResult result;

        memset( &result, 0, sizeof(result) );
        if (info.status)
        {
            result.result = RESULT_PROVIDER_REJECTION;
            result.reason = info.status == RPC_S_UNKNOWN_IF ? REASON_ABSTRACT_SYNTAX_NOT_SUPPORTED
                                                              : REASON_TRANSFER_SYNTAXES_NOT_SUPPORTED;
        }
        else
        {
            result.result = RESULT_ACCEPT;
            result.transfer_syntax = ndr_syntax;
        }
        in = incoming_packet( RPCRT4_BuildBindAckHeader( NDR_LOCAL_DATA_REPRESENTATION, LRPC_FRAGMENT_DATA,
                                                         LRPC_FRAGMENT_DATA, conn->link->assoc_gid,
                                                         conn->common.Endpoint, 1, &result ));
        break;
    }
    case lmtResponse:
        if (!(in = calloc( 1, sizeof(*in) ))) break;
        in->ptype = PKT_RESPONSE;
        in->call_id = call_id;
        in->size = info.data_size;
        if (!(in->data = take_message_data( conn->link->port, msg, &info, attrs )))
        {
            free( in );
            in = NULL;
        }
        attrs = NULL;
        break;
    case lmtFault:
        if (!(in = calloc( 1, sizeof(*in) ))) break;
        in->ptype = PKT_FAULT;
        in->call_id = call_id;
        in->status = RPC2NCA_STATUS( info.status );
        break;
    default:
        WARN( "unexpected reply type %lu\n", info.type );
        break;
    }
failed:
    if (attrs && (attrs->header.ValidAttributes & ALPC_MESSAGE_VIEW_ATTRIBUTE) && attrs->view.ViewBase)
        NtAlpcDeleteSectionView( conn->link->port, 0, attrs->view.ViewBase );
    if (!in && (in = calloc( 1, sizeof(*in) )))
    {
        in->ptype = PKT_FAULT;
        in->call_id = call_id;
        in->status = NCA_S_PROTO_ERROR;
    }
    if (in) queue_incoming( conn, in );
}

static int client_bind( RpcConnection_alpc *conn, const RpcPktBindHdr *hdr, unsigned int len )
{
    const RpcContextElement *ctx = (const RpcContextElement *)(hdr + 1);
    struct lrpc_attrs attrs;
    LRPC_BIND_MESSAGE bind;
    lrpc_port_msg reply;
    NTSTATUS status;
    ULONG size;

    if (len < sizeof(*hdr) + FIELD_OFFSET(RpcContextElement, transfer_syntaxes[1]) || hdr->num_elements != 1)
        return -1;
    conn->binding_id = InterlockedIncrement( &conn->link->next_binding ) & 0xffff;
    size = lrpc_init_bind( &bind, &ctx->abstract_syntax, conn->binding_id );
    init_attrs( &attrs, ALPC_MESSAGE_VIEW_ATTRIBUTE );
    status = send_lrpc( conn->link->port, ALPC_MSGFLG_SYNC_REQUEST, NULL, &bind, size, NULL, 0, FALSE,
                        &reply, &attrs );
    if (status)
    {
        WARN( "bind failed: %#lx\n", status );
        conn->link->closed = TRUE;
        return -1;
    }
    queue_reply( conn, &reply, &attrs, hdr->common.call_id );
    return len;
}

static void client_send_request( RpcConnection_alpc *conn )
{
    struct lrpc_attrs attrs;
    LRPC_REQUEST_MESSAGE req;
    lrpc_port_msg reply;
    NTSTATUS status;
    ULONG size;

    conn->send_pending = FALSE;
    size = lrpc_init_request( &req, conn->out_call_id, conn->binding_id, conn->out_opnum,
                              conn->out_has_object ? &conn->out_object : NULL, conn->out_size );
    init_attrs( &attrs, ALPC_MESSAGE_VIEW_ATTRIBUTE );
    status = send_lrpc( conn->link->port, ALPC_MSGFLG_SYNC_REQUEST, NULL, &req, size, conn->out, conn->out_size,
                        size == LRPC_LARGE_REQUEST_SIZE, &reply, &attrs );
    conn->out_size = 0;
    if (status)
    {
        /* One status for a server gone before the request and one gone while
         * it ran: take it as the latter, so that rpcrt4 does not send the
         * call again elsewhere.  With no reply queued, the receive fails with
         * RPC_S_CALL_FAILED, as with the pipes, and the association opens a
         * new port next time. */
        WARN( "request failed: %#lx\n", status );
        conn->link->closed = TRUE;
        return;
    }
    queue_reply( conn, &reply, &attrs, conn->out_call_id );
}

static int client_write( RpcConnection_alpc *conn, const RpcPktHdr *hdr, unsigned int len )
{
    unsigned int hdr_size;

    switch (hdr->common.ptype)
    {
    case PKT_BIND:
        return client_bind( conn, &hdr->bind, len );
    case PKT_REQUEST:
        hdr_size = sizeof(hdr->request);
        if (hdr->common.flags & RPC_FLG_OBJECT_UUID) hdr_size += sizeof(GUID);
        if (len < hdr_size) return -1;
        if (hdr->common.flags & RPC_FLG_FIRST)
        {
            conn->out_size = 0;
            conn->out_call_id = hdr->common.call_id;
            conn->out_opnum = hdr->request.opnum;
            conn->out_has_object = !!(hdr->common.flags & RPC_FLG_OBJECT_UUID);
            if (conn->out_has_object) memcpy( &conn->out_object, &hdr->request + 1, sizeof(GUID) );
        }
        if (!append_data( &conn->out, &conn->out_size, &conn->out_alloc,
                          (const unsigned char *)hdr + hdr_size, len - hdr_size - RPC_AUTH_VERIFIER_LEN(&hdr->common) ))
            return -1;
        if (!(hdr->common.flags & RPC_FLG_LAST)) return len;
        /* an asynchronous call waits for its reply in wait_for_incoming_data, on a pool thread */
        if (conn->common.async_state)
        {
            conn->send_pending = TRUE;
            return len;
        }
        client_send_request( conn );
        return len;
    default:
        FIXME( "packet type %u not sent over ncalrpc\n", hdr->common.ptype );
        return -1;
    }
}

/* the server side */

static void link_closed( struct lrpc_link *link );

/* The connection port goes when rpcrt4 stops listening, but only once the
 * calls in progress are answered: closing it ends its connections. */
static void close_listener( RpcConnection_alpc *listener, BOOL now )
{
    struct lrpc_link *link, *next;

    if (!now && listener->active)
    {
        listener->closing = TRUE;
        return;
    }
    listener->closing = FALSE;
    listener->receiving = NULL;  /* a new port gets receivers of its own, whatever its handle */
    LIST_FOR_EACH_ENTRY_SAFE( link, next, &listener->links, struct lrpc_link, listener_entry )
        link_closed( link );
    NtClose( listener->port );
    listener->port = 0;
    free( listener->receive );
    listener->receive = NULL;
}

static struct lrpc_call *find_call( RpcConnection_alpc *conn, ULONG call_id )
{
    struct lrpc_call *call;

    LIST_FOR_EACH_ENTRY( call, &conn->calls, struct lrpc_call, entry )
        if (call->call_id == call_id) return call;
    return NULL;
}

static void reply_fault( HANDLE port, lrpc_port_header *request, RPC_STATUS status )
{
    LRPC_FAULT_MESSAGE fault;
    ULONG size = lrpc_init_fault( &fault, status );

    send_lrpc( port, ALPC_MSGFLG_RELEASE_MESSAGE, request, &fault, size, NULL, 0, FALSE, NULL, NULL );
}

static int server_reply_bind( RpcConnection_alpc *conn, const RpcPktHdr *hdr, unsigned int len )
{
    struct lrpc_link *link = conn->link;
    LRPC_BIND_MESSAGE bind;
    RPC_STATUS status = RPC_S_OK;
    NTSTATUS nt;

    if (hdr->common.ptype == PKT_BIND_NACK) status = RPC_S_PROTOCOL_ERROR;
    else
    {
        const RpcAddressString *addr = (const RpcAddressString *)(&hdr->bind_ack + 1);
        const RpcResultList *results;

        if (len < sizeof(hdr->bind_ack) + sizeof(*addr)) return -1;
        results = (const RpcResultList *)((const char *)addr +
                  ((FIELD_OFFSET(RpcAddressString, string[addr->length]) + 3) & ~3));
        if ((const char *)&results->results[1] > (const char *)hdr + len) return -1;
        if (results->results[0].result != RESULT_ACCEPT)
            status = results->results[0].reason == REASON_ABSTRACT_SYNTAX_NOT_SUPPORTED
                     ? RPC_S_UNKNOWN_IF : RPC_S_UNSUPPORTED_TRANS_SYN;
        EnterCriticalSection( &link->cs );
        if (!link->assoc_gid) link->assoc_gid = hdr->bind_ack.assoc_gid;
        /* the requests of this binding may go to the worker threads now */
        if (!status) conn->bound = TRUE;
        LeaveCriticalSection( &link->cs );
    }

    memset( &bind, 0, sizeof(bind) );
    bind.Header.MessageType = lmtBind;
    bind.RpcStatus = status;
    bind.Interface = conn->bind_iface;
    bind.TransferSyntaxSet = LRPC_SYNTAX_DCE;
    bind.DceNdrSyntaxIdentifier = conn->binding_id;
    nt = send_lrpc( link->port, ALPC_MSGFLG_RELEASE_MESSAGE, &conn->bind_request, &bind, sizeof(bind),
                    NULL, 0, FALSE, NULL, NULL );
    if (nt) WARN( "bind reply failed: %#lx\n", nt );
    return len;
}

/* the request this worker thread runs; rpcrt4's response packets do not carry its call id */
static ULONG current_call(void)
{
    if (current_call_tls == TLS_OUT_OF_INDEXES) return 0;
    return PtrToUlong( TlsGetValue( current_call_tls ));
}

static int server_reply( RpcConnection_alpc *conn, const RpcPktHdr *hdr, unsigned int len )
{
    ULONG call_id = current_call();
    struct lrpc_call *call;
    unsigned int hdr_size = hdr->common.ptype == PKT_FAULT ? sizeof(hdr->fault) : sizeof(hdr->response);
    NTSTATUS status;

    if (len < hdr_size) return -1;
    EnterCriticalSection( &conn->cs );
    if (!(call = find_call( conn, call_id )))
    {
        LeaveCriticalSection( &conn->cs );
        WARN( "no request with call id %lu\n", call_id );
        return -1;
    }
    if (hdr->common.ptype == PKT_RESPONSE &&
        !append_data( &call->out, &call->out_size, &call->out_alloc, (const unsigned char *)hdr + hdr_size,
                      len - hdr_size - RPC_AUTH_VERIFIER_LEN(&hdr->common) ))
    {
        LeaveCriticalSection( &conn->cs );
        return -1;
    }
    if (hdr->common.ptype == PKT_RESPONSE && !(hdr->common.flags & RPC_FLG_LAST))
    {
        LeaveCriticalSection( &conn->cs );
        return len;
    }
    list_remove( &call->entry );
    LeaveCriticalSection( &conn->cs );

    if (hdr->common.ptype == PKT_FAULT)
    {
        reply_fault( conn->link->port, &call->request, NCA2RPC_STATUS( hdr->fault.status ));
        status = STATUS_SUCCESS;
    }
    else
    {
        LRPC_RESPONSE_MESSAGE resp;
        ULONG size = lrpc_init_response( &resp, call->lrpc_call_id, call->out_size );

        status = send_lrpc( conn->link->port, ALPC_MSGFLG_RELEASE_MESSAGE, &call->request, &resp, size,
                            call->out, call->out_size, size == LRPC_LARGE_RESPONSE_SIZE, NULL, NULL );
    }
    /* a client that went away meanwhile is no error of this connection */
    if (status) WARN( "reply to call %lu failed: %#lx\n", call->call_id, status );
    free( call->out );
    free( call );
    return len;
}

int rpcrt4_conn_alpc_write( RpcConnection *common, const void *buffer, unsigned int len )
{
    RpcConnection_alpc *conn = (RpcConnection_alpc *)common;
    const RpcPktHdr *hdr = buffer;

    if (len < sizeof(hdr->common) || !conn->link) return -1;
    if (!common->server) return client_write( conn, hdr, len );

    switch (hdr->common.ptype)
    {
    case PKT_BIND_ACK:
    case PKT_BIND_NACK:
        return server_reply_bind( conn, hdr, len );
    case PKT_RESPONSE:
    case PKT_FAULT:
        return server_reply( conn, hdr, len );
    default:
        FIXME( "packet type %u not sent over ncalrpc\n", hdr->common.ptype );
        return -1;
    }
}

int rpcrt4_conn_alpc_read( RpcConnection *conn, void *buffer, unsigned int len )
{
    /* receive_fragment does all receiving */
    return -1;
}

/* cut the next DCE fragment off a received message */
static RPC_STATUS next_fragment( struct lrpc_incoming *in, RpcPktHdr **header, void **payload, BOOL *done )
{
    ULONG hdr_size, chunk;
    RpcPktHdr *hdr;

    if (in->packet)
    {
        hdr_size = RPCRT4_GetHeaderSize( in->packet );
        chunk = in->packet->common.frag_len - hdr_size;
        if (!(*header = malloc( hdr_size )) || !(*payload = malloc( max( chunk, 1 ) )))
        {
            free( *header );
            return RPC_S_OUT_OF_RESOURCES;
        }
        memcpy( *header, in->packet, hdr_size );
        memcpy( *payload, (char *)in->packet + hdr_size, chunk );
        *done = TRUE;
        return RPC_S_OK;
    }

    hdr_size = in->ptype == PKT_RESPONSE ? sizeof(hdr->response) : sizeof(hdr->fault);
    chunk = min( in->size - in->offset, LRPC_FRAGMENT_DATA );
    if (!(hdr = calloc( 1, hdr_size )) || !(*payload = malloc( max( chunk, 1 ) )))
    {
        free( hdr );
        return RPC_S_OUT_OF_RESOURCES;
    }
    RPCRT4_BuildCommonHeader( &hdr->common, in->ptype, NDR_LOCAL_DATA_REPRESENTATION );
    hdr->common.frag_len = hdr_size + chunk;
    hdr->common.call_id = in->call_id;
    if (!in->offset) hdr->common.flags |= RPC_FLG_FIRST;
    if (in->offset + chunk == in->size) hdr->common.flags |= RPC_FLG_LAST;
    if (in->ptype == PKT_RESPONSE) hdr->response.alloc_hint = in->size;
    else hdr->fault.status = in->status;
    memcpy( *payload, in->data + in->offset, chunk );
    in->offset += chunk;
    *header = hdr;
    *done = in->offset == in->size;
    return RPC_S_OK;
}

RPC_STATUS rpcrt4_conn_alpc_receive_fragment( RpcConnection *common, RpcPktHdr **header, void **payload )
{
    RpcConnection_alpc *conn = (RpcConnection_alpc *)common;
    struct lrpc_incoming *in;
    RPC_STATUS status;
    BOOL done;

    *header = NULL;
    *payload = NULL;
    if (!common->server && conn->send_pending) client_send_request( conn );

    /* a server connection gets its packets from the dispatcher, through rpcrt4's worker threads */
    if (common->server) return RPC_S_CALL_FAILED;

    EnterCriticalSection( &conn->cs );
    if (list_empty( &conn->incoming ))
    {
        LeaveCriticalSection( &conn->cs );
        return RPC_S_CALL_FAILED;
    }
    in = LIST_ENTRY( list_head( &conn->incoming ), struct lrpc_incoming, entry );
    status = next_fragment( in, header, payload, &done );
    if (status == RPC_S_OK && done)
    {
        list_remove( &in->entry );
        free_incoming( in );
    }
    LeaveCriticalSection( &conn->cs );
    return status;
}

int rpcrt4_conn_alpc_close( RpcConnection *common )
{
    RpcConnection_alpc *conn = (RpcConnection_alpc *)common;
    struct lrpc_incoming *in, *next_in;
    struct lrpc_call *call, *next_call;
    struct lrpc_link *link = conn->link;

    if (conn->port) close_listener( conn, FALSE );
    if (conn->listener)
    {
        RpcConnection_alpc *listener = conn->listener;

        conn->listener = NULL;
        EnterCriticalSection( &common->protseq->cs );
        if (!--listener->active && listener->closing) close_listener( listener, TRUE );
        LeaveCriticalSection( &common->protseq->cs );
    }
    if (link)
    {
        conn->link = NULL;
        if (common->server)
        {
            EnterCriticalSection( &link->cs );
            list_remove( &conn->link_entry );
            list_init( &conn->link_entry );
            LeaveCriticalSection( &link->cs );
        }
        release_link( link );
    }
    LIST_FOR_EACH_ENTRY_SAFE( in, next_in, &conn->incoming, struct lrpc_incoming, entry )
    {
        list_remove( &in->entry );
        free_incoming( in );
    }
    LIST_FOR_EACH_ENTRY_SAFE( call, next_call, &conn->calls, struct lrpc_call, entry )
    {
        list_remove( &call->entry );
        free( call->out );
        free( call );
    }
    free( conn->out );
    conn->out = NULL;
    conn->out_size = conn->out_alloc = 0;
    /* a listener is closed when rpcrt4 stops listening, and used again */
    if (!conn->is_listener)
    {
        conn->cs.DebugInfo->Spare[0] = 0;
        DeleteCriticalSection( &conn->cs );
    }
    return 0;
}

/* A server connection has no io thread: its link holds it until the ALPC
 * connection ends or rpcrt4 stops listening, and calls in progress hold it
 * until they are answered. */
static void disown( RpcConnection_alpc *conn )
{
    if (InterlockedExchange( &conn->owned, FALSE )) RPCRT4_ReleaseConnection( &conn->common );
}

void rpcrt4_conn_alpc_close_read( RpcConnection *common )
{
    if (common->server) disown( (RpcConnection_alpc *)common );
}

void rpcrt4_conn_alpc_cancel_call( RpcConnection *conn )
{
    FIXME( "(%p): cancelling an ncalrpc call is not implemented\n", conn );
}

/* is there such an endpoint?  Looked up in \RPC Control, so that no connection is made */
RPC_STATUS rpcrt4_ncalrpc_alpc_is_server_listening( const char *endpoint )
{
    static const WCHAR dirW[] = L"\\RPC Control";
    WCHAR name[MAX_PATH];
    UNICODE_STRING str;
    OBJECT_ATTRIBUTES attr;
    HANDLE dir;
    UNICODE_STRING wanted;
    ULONG context = 0, len;
    RPC_STATUS ret = RPC_S_NOT_LISTENING;
    SIZE_T prefix = strlen( LRPC_PORT_DIRECTORY );
    union { DIRECTORY_BASIC_INFORMATION info; BYTE buffer[1024]; } buf;

    if (!lrpc_port_name( endpoint, name, ARRAY_SIZE(name) )) return RPC_S_INVALID_ENDPOINT_FORMAT;
    RtlInitUnicodeString( &wanted, name + prefix );
    RtlInitUnicodeString( &str, dirW );
    InitializeObjectAttributes( &attr, &str, OBJ_CASE_INSENSITIVE, 0, NULL );
    if (NtOpenDirectoryObject( &dir, 0x0001 /* DIRECTORY_QUERY */, &attr )) return RPC_S_NOT_LISTENING;
    while (!NtQueryDirectoryObject( dir, &buf.info, sizeof(buf), TRUE, FALSE, &context, &len ))
    {
        if (RtlEqualUnicodeString( &buf.info.ObjectName, &wanted, TRUE ))
        {
            ret = RPC_S_OK;
            break;
        }
    }
    NtClose( dir );
    return ret;
}

int rpcrt4_conn_alpc_wait_for_incoming_data( RpcConnection *common )
{
    RpcConnection_alpc *conn = (RpcConnection_alpc *)common;

    if (!common->server && conn->send_pending) client_send_request( conn );
    return 0;
}

void rpcrt4_alpc_set_current_call( RpcConnection *conn, ULONG call_id )
{
    if (strcmp( rpcrt4_conn_get_name( conn ), "ncalrpc" )) return;
    if (current_call_tls == TLS_OUT_OF_INDEXES)
    {
        DWORD index = TlsAlloc();
        if (InterlockedCompareExchange( (LONG *)&current_call_tls, index, TLS_OUT_OF_INDEXES ) != TLS_OUT_OF_INDEXES)
            TlsFree( index );
    }
    TlsSetValue( current_call_tls, ULongToPtr( call_id ));
}

/* impersonation needs the request being served by this thread, still unanswered */
RPC_STATUS rpcrt4_conn_alpc_impersonate_client( RpcConnection *common )
{
    RpcConnection_alpc *conn = (RpcConnection_alpc *)common;
    struct lrpc_call *call;
    lrpc_port_header request;
    NTSTATUS status;

    if (!common->server || !conn->link) return RPC_S_NO_CONTEXT_AVAILABLE;
    EnterCriticalSection( &conn->cs );
    call = find_call( conn, current_call() );
    if (call) request = call->request;
    LeaveCriticalSection( &conn->cs );
    if (!call) return RPC_S_NO_CONTEXT_AVAILABLE;

    status = NtAlpcImpersonateClientOfPort( conn->link->port, (PORT_MESSAGE *)&request, NULL );
    if (status)
    {
        WARN( "NtAlpcImpersonateClientOfPort failed: %#lx\n", status );
        return RPC_S_NO_CONTEXT_AVAILABLE;
    }
    return RPC_S_OK;
}

RPC_STATUS rpcrt4_conn_alpc_revert_to_self( RpcConnection *conn )
{
    if (!RevertToSelf()) return GetLastError();
    return RPC_S_OK;
}

RPC_STATUS rpcrt4_conn_alpc_inquire_client_pid( RpcConnection *common, ULONG *pid )
{
    RpcConnection_alpc *conn = (RpcConnection_alpc *)common;

    if (!common->server || !conn->link) return RPC_S_INVALID_BINDING;
    *pid = conn->link->client_pid;
    return RPC_S_OK;
}

/* the listening side */

RpcServerProtseq *rpcrt4_protseq_alpc_alloc(void)
{
    RpcServerProtseq_alpc *ps = calloc( 1, sizeof(*ps) );

    if (ps) ps->mgr_event = CreateEventW( NULL, FALSE, FALSE, NULL );
    return &ps->common;
}

void rpcrt4_protseq_alpc_signal_state_changed( RpcServerProtseq *protseq )
{
    RpcServerProtseq_alpc *ps = CONTAINING_RECORD( protseq, RpcServerProtseq_alpc, common );
    SetEvent( ps->mgr_event );
}

static RPC_STATUS create_listen_port( RpcConnection_alpc *conn )
{
    WCHAR name[MAX_PATH];
    UNICODE_STRING str;
    OBJECT_ATTRIBUTES attr;
    ALPC_PORT_ATTRIBUTES port_attr;
    NTSTATUS status;

    if (!lrpc_port_name( conn->common.Endpoint, name, ARRAY_SIZE(name) )) return RPC_S_INVALID_ENDPOINT_FORMAT;
    RtlInitUnicodeString( &str, name );
    InitializeObjectAttributes( &attr, &str, OBJ_CASE_INSENSITIVE, 0, conn->sd );
    init_port_attributes( &port_attr, NULL );
    TRACE( "listening on %s\n", debugstr_w(name) );
    status = NtAlpcCreatePort( &conn->port, &attr, &port_attr );
    switch (status)
    {
    case STATUS_SUCCESS: return RPC_S_OK;
    case STATUS_OBJECT_NAME_COLLISION: return RPC_S_DUPLICATE_ENDPOINT;
    default:
        WARN( "NtAlpcCreatePort(%s) failed: %#lx\n", debugstr_w(name), status );
        return RPC_S_CANT_CREATE_ENDPOINT;
    }
}

void *rpcrt4_protseq_alpc_get_wait_array( RpcServerProtseq *protseq, void *prev_array, unsigned int *count )
{
    RpcServerProtseq_alpc *ps = CONTAINING_RECORD( protseq, RpcServerProtseq_alpc, common );
    RpcConnection_alpc *conn;
    HANDLE *objs = prev_array;

    EnterCriticalSection( &protseq->cs );
    *count = 1;
    LIST_FOR_EACH_ENTRY( conn, &protseq->listeners, RpcConnection_alpc, common.protseq_entry )
    {
        conn->closing = FALSE;
        if (!conn->port && create_listen_port( conn ) != RPC_S_OK) continue;
        (*count)++;
    }
    if (!(objs = realloc( objs, *count * sizeof(HANDLE) )))
    {
        LeaveCriticalSection( &protseq->cs );
        return NULL;
    }
    objs[0] = ps->mgr_event;
    *count = 1;
    LIST_FOR_EACH_ENTRY( conn, &protseq->listeners, RpcConnection_alpc, common.protseq_entry )
        if (conn->port) objs[(*count)++] = conn->port;
    LeaveCriticalSection( &protseq->cs );
    return objs;
}

void rpcrt4_protseq_alpc_free_wait_array( RpcServerProtseq *protseq, void *array )
{
    free( array );
}

static void accept_connection( RpcConnection_alpc *listener, lrpc_port_msg *msg )
{
    ALPC_PORT_ATTRIBUTES attr;
    struct lrpc_link *link;
    HANDLE port = 0;
    NTSTATUS status;

    init_port_attributes( &attr, NULL );
    /* rpcrt4 stopped listening: the port only waits for calls in progress */
    if (listener->closing || !(link = alloc_link( 0 )))
    {
        NtAlpcAcceptConnectPort( &port, listener->port, 0, NULL, NULL, NULL, (PORT_MESSAGE *)&msg->h, NULL, FALSE );
        return;
    }
    link->client_pid = HandleToULong( msg->h.ClientId.UniqueProcess );
    /* the reference held by the ALPC connection, dropped when it ends */
    status = NtAlpcAcceptConnectPort( &port, listener->port, 0, NULL, &attr, link, (PORT_MESSAGE *)&msg->h, NULL, TRUE );
    if (status)
    {
        WARN( "accept failed: %#lx\n", status );
        release_link( link );
        return;
    }
    link->port = port;
    link->listener = listener;
    list_add_tail( &listener->links, &link->listener_entry );
    TRACE( "accepted a connection from process %04lx on %p\n", link->client_pid, port );
}

static void link_closed( struct lrpc_link *link )
{
    RpcConnection_alpc *conn, *next;

    if (link->listener)
    {
        list_remove( &link->listener_entry );
        list_init( &link->listener_entry );
        link->listener = NULL;
    }

    EnterCriticalSection( &link->cs );
    if (link->closed)
    {
        LeaveCriticalSection( &link->cs );
        return;
    }
    link->closed = TRUE;
    LIST_FOR_EACH_ENTRY_SAFE( conn, next, &link->conns, RpcConnection_alpc, link_entry )
        disown( conn );
    LeaveCriticalSection( &link->cs );
    TRACE( "connection on %p ended\n", link->port );
    release_link( link );
}

static RpcConnection_alpc *find_binding( struct lrpc_link *link, ULONG binding_id )
{
    RpcConnection_alpc *conn;

    LIST_FOR_EACH_ENTRY( conn, &link->conns, RpcConnection_alpc, link_entry )
        if (conn->binding_id == binding_id) return conn;
    return NULL;
}

/* The DCE bind rpcrt4's server expects.  LRPC's "DCE" syntax is NDR 2.0, but
 * Wine's COM registers its interfaces with a null transfer syntax: offer both. */
static RpcPktHdr *build_bind( ULONG assoc_gid, const RPC_SYNTAX_IDENTIFIER *iface )
{
    ULONG size = sizeof(RpcPktBindHdr) + FIELD_OFFSET(RpcContextElement, transfer_syntaxes[2]);
    RpcContextElement *ctx;
    RpcPktHdr *hdr;

    if (!(hdr = calloc( 1, size ))) return NULL;
    RPCRT4_BuildCommonHeader( &hdr->common, PKT_BIND, NDR_LOCAL_DATA_REPRESENTATION );
    hdr->common.frag_len = size;
    hdr->bind.max_tsize = hdr->bind.max_rsize = LRPC_FRAGMENT_DATA;
    hdr->bind.assoc_gid = assoc_gid;
    hdr->bind.num_elements = 1;
    ctx = (RpcContextElement *)(&hdr->bind + 1);
    ctx->num_syntaxes = 2;
    ctx->abstract_syntax = *iface;
    ctx->transfer_syntaxes[0] = ndr_syntax;
    return hdr;
}

static void server_bind( RpcConnection_alpc *listener, struct lrpc_link *link, lrpc_port_msg *msg,
                         const struct lrpc_info *info )
{
    const LRPC_BIND_MESSAGE *bind = (const LRPC_BIND_MESSAGE *)msg->data;
    RpcServerProtseq *protseq = listener->common.protseq;
    RpcConnection_alpc *conn;
    RpcConnection *common;
    RPC_MESSAGE *rpc_msg = NULL;
    RpcPktHdr *hdr = NULL;
    char computer[MAX_COMPUTERNAME_LENGTH + 1];
    DWORD len = sizeof(computer);
    LRPC_BIND_MESSAGE reply;
    RPC_STATUS status;
    ULONG assoc_gid;

    EnterCriticalSection( &link->cs );
    conn = find_binding( link, info->binding_id );
    LeaveCriticalSection( &link->cs );

    reply = *bind;
    if (conn || !(bind->TransferSyntaxSet & LRPC_SYNTAX_DCE) || listener->closing)
    {
        /* a binding id in use, only NDR64 offered (Wine's rpcrt4 has no NDR64), or no longer listening */
        reply.RpcStatus = conn ? RPC_S_PROTOCOL_ERROR : listener->closing ? RPC_S_NOT_LISTENING
                                                                          : RPC_S_UNSUPPORTED_TRANS_SYN;
        send_lrpc( link->port, ALPC_MSGFLG_RELEASE_MESSAGE, &msg->h, &reply, sizeof(reply), NULL, 0, FALSE, NULL, NULL );
        return;
    }

    GetComputerNameA( computer, &len );
    if (RPCRT4_CreateConnection( &common, TRUE, "ncalrpc", computer, listener->common.Endpoint, NULL,
                                 NULL, NULL, NULL ) != RPC_S_OK)
    {
        reply.RpcStatus = RPC_S_OUT_OF_RESOURCES;
        send_lrpc( link->port, ALPC_MSGFLG_RELEASE_MESSAGE, &msg->h, &reply, sizeof(reply), NULL, 0, FALSE, NULL, NULL );
        return;
    }
    conn = (RpcConnection_alpc *)common;
    conn->binding_id = info->binding_id;
    conn->bind_request = msg->h;
    conn->bind_iface = bind->Interface;
    conn->link = link;
    conn->listener = listener;
    conn->owned = TRUE;
    listener->active++;
    InterlockedIncrement( &link->ref );

    EnterCriticalSection( &link->cs );
    list_add_tail( &link->conns, &conn->link_entry );
    assoc_gid = link->assoc_gid;
    LeaveCriticalSection( &link->cs );
    EnterCriticalSection( &protseq->cs );
    common->protseq = protseq;
    list_add_tail( &protseq->connections, &common->protseq_entry );
    LeaveCriticalSection( &protseq->cs );

    /* rpcrt4's worker answers the bind as one read from a pipe */
    if (!(hdr = build_bind( assoc_gid, &bind->Interface )) || !(rpc_msg = calloc( 1, sizeof(*rpc_msg) )) ||
        !(rpc_msg->Buffer = I_RpcAllocate( hdr->common.frag_len - sizeof(hdr->bind) )))
        status = RPC_S_OUT_OF_RESOURCES;
    else
    {
        rpc_msg->BufferLength = hdr->common.frag_len - sizeof(hdr->bind);
        memcpy( rpc_msg->Buffer, &hdr->bind + 1, rpc_msg->BufferLength );
        status = RPCRT4_queue_packet( common, hdr, rpc_msg );
    }
    if (status)
    {
        if (rpc_msg) I_RpcFree( rpc_msg->Buffer );
        free( rpc_msg );
        free( hdr );
        reply.RpcStatus = status;
        send_lrpc( link->port, ALPC_MSGFLG_RELEASE_MESSAGE, &msg->h, &reply, sizeof(reply), NULL, 0, FALSE, NULL, NULL );
        disown( conn );
    }
}

/* A request goes to a worker thread as the DCE request rpcrt4 would have read.
 * Its data is the message's, or a copy of its view's. */
static void server_request( struct lrpc_link *link, lrpc_port_msg *msg, const struct lrpc_info *info,
                            struct lrpc_attrs *attrs, struct lrpc_packet *run )
{
    ULONG hdr_size = sizeof(RpcPktRequestHdr) + (info->object ? sizeof(GUID) : 0);
    RPC_STATUS status = RPC_S_OUT_OF_RESOURCES;
    RPC_MESSAGE *rpc_msg = NULL;
    struct lrpc_call *call = NULL;
    RpcConnection_alpc *conn;
    RpcPktHdr *hdr = NULL;
    unsigned char *data;

    EnterCriticalSection( &link->cs );
    if ((conn = find_binding( link, info->binding_id )) && conn->bound) RPCRT4_GrabConnection( &conn->common );
    else conn = NULL;
    LeaveCriticalSection( &link->cs );

    data = take_message_data( link->port, msg, info, attrs );
    if (!conn)
    {
        WARN( "request for unknown binding id %lu\n", info->binding_id );
        status = RPC_S_UNKNOWN_IF;
        goto failed;
    }
    if (!data && info->large) status = RPC_S_PROTOCOL_ERROR;  /* no view, or too small */
    if (!data || !(call = calloc( 1, sizeof(*call) )) || !(rpc_msg = calloc( 1, sizeof(*rpc_msg) )) ||
        !(hdr = calloc( 1, hdr_size )))
        goto failed;

    RPCRT4_BuildCommonHeader( &hdr->common, PKT_REQUEST, NDR_LOCAL_DATA_REPRESENTATION );
    hdr->common.frag_len = hdr_size;
    hdr->common.flags = RPC_FLG_FIRST | RPC_FLG_LAST;
    hdr->request.alloc_hint = info->data_size;
    hdr->request.opnum = info->proc_num;
    if (info->object)
    {
        hdr->common.flags |= RPC_FLG_OBJECT_UUID;
        memcpy( &hdr->request + 1, info->object, sizeof(GUID) );
    }
    rpc_msg->Buffer = data;
    rpc_msg->BufferLength = info->data_size;
    call->lrpc_call_id = info->call_id;
    call->request = msg->h;

    EnterCriticalSection( &conn->cs );
    do call->call_id = InterlockedIncrement( &conn->next_call );
    while (!call->call_id || find_call( conn, call->call_id ));
    hdr->common.call_id = call->call_id;
    list_add_tail( &conn->calls, &call->entry );
    LeaveCriticalSection( &conn->cs );

    if (run)
    {
        run->conn = &conn->common;  /* with the reference taken above */
        run->hdr = hdr;
        run->msg = rpc_msg;
        return;
    }
    if (!(status = RPCRT4_queue_packet( &conn->common, hdr, rpc_msg )))
    {
        RPCRT4_ReleaseConnection( &conn->common );
        return;
    }
    EnterCriticalSection( &conn->cs );
    list_remove( &call->entry );
    LeaveCriticalSection( &conn->cs );

failed:
    reply_fault( link->port, &msg->h, status );
    I_RpcFree( data );
    free( call );
    free( rpc_msg );
    free( hdr );
    if (conn) RPCRT4_ReleaseConnection( &conn->common );
}

/* Take one message.  A request for a binding goes to rpcrt4's worker
 * threads, or, given 'run', is left there for the caller to run. */
static void dispatch_message( RpcConnection_alpc *listener, lrpc_port_msg *msg, struct lrpc_attrs *attrs,
                              struct lrpc_packet *run )
{
    struct lrpc_link *link;
    struct lrpc_info info;

    link = (attrs->header.ValidAttributes & ALPC_MESSAGE_CONTEXT_ATTRIBUTE) ? attrs->context.PortContext : NULL;
    switch (msg->h.Type & 0xff)
    {
    case LPC_CONNECTION_REQUEST:
        accept_connection( listener, msg );
        return;
    case LPC_PORT_CLOSED:
    case LPC_CLIENT_DIED:
        if (link) link_closed( link );
        return;
    case LPC_REQUEST:
    case LPC_DATAGRAM:
        if (link) break;
        /* fall through */
    default:
        return;
    }

    if (msg->h.DataLength > sizeof(msg->data) || !lrpc_parse( msg->data, msg->h.DataLength, &info ))
    {
        WARN( "malformed message of %u bytes\n", msg->h.DataLength );
        info.type = ~0u;
        if ((msg->h.Type & 0xff) == LPC_REQUEST) reply_fault( link->port, &msg->h, RPC_S_PROTOCOL_ERROR );
    }
    else switch (info.type)
    {
    case lmtBind:
        server_bind( listener, link, msg, &info );
        break;
    case lmtRequest:
        server_request( link, msg, &info, attrs, run );
        break;
    default:
        FIXME( "LRPC message type %lu not handled\n", info.type );
        if ((msg->h.Type & 0xff) == LPC_REQUEST) reply_fault( link->port, &msg->h, RPC_S_PROTOCOL_ERROR );
        break;
    }
    if (info.type != lmtRequest && (attrs->header.ValidAttributes & ALPC_MESSAGE_VIEW_ATTRIBUTE) &&
        attrs->view.ViewBase)
        NtAlpcDeleteSectionView( link->port, 0, attrs->view.ViewBase );
}

static NTSTATUS receive_message( HANDLE port, lrpc_port_msg *msg, LARGE_INTEGER *timeout, struct lrpc_attrs *attrs )
{
    SIZE_T len = sizeof(*msg);

    init_attrs( attrs, ALPC_MESSAGE_VIEW_ATTRIBUTE | ALPC_MESSAGE_CONTEXT_ATTRIBUTE );
    return NtAlpcSendWaitReceivePort( port, 0, NULL, NULL, (PORT_MESSAGE *)&msg->h, &len, &attrs->header, timeout );
}

/* take every message waiting on a listener's port */
static void dispatch_messages( RpcConnection_alpc *listener )
{
    static LARGE_INTEGER zero;
    struct lrpc_attrs attrs;
    NTSTATUS status;

    if (!listener->receive && !(listener->receive = malloc( sizeof(*listener->receive) ))) return;
    while (!(status = receive_message( listener->port, listener->receive, &zero, &attrs )))
        dispatch_message( listener, listener->receive, &attrs, NULL );
    if (status != STATUS_TIMEOUT) WARN( "receive on %p failed: %#lx\n", listener->port, status );
}

/* Threads of the transport wait in the ALPC receive of each endpoint, and
 * the server thread only for changes of state (and on a port whose receivers
 * could not be started).  A receiver runs a request
 * itself while another one is waiting, which saves the switch to a worker
 * thread; when none is, it starts one more, up to LRPC_MAX_RECEIVERS, and
 * then leaves requests to rpcrt4's workers.  Receivers end when the port is
 * closed. */
#define LRPC_MAX_RECEIVERS 8

static DWORD CALLBACK receiver_thread( void *arg );

static BOOL start_receiver( RpcConnection_alpc *listener )
{
    HANDLE thread;

    if (InterlockedIncrement( &listener->receivers ) > LRPC_MAX_RECEIVERS ||
        !(thread = CreateThread( NULL, 0, receiver_thread, listener, 0, NULL )))
    {
        InterlockedDecrement( &listener->receivers );
        return FALSE;
    }
    CloseHandle( thread );
    return TRUE;
}

static DWORD CALLBACK receiver_thread( void *arg )
{
    RpcConnection_alpc *listener = arg;
    RpcServerProtseq *protseq = listener->common.protseq;
    HANDLE port = listener->port;
    struct lrpc_packet run;
    struct lrpc_attrs attrs;
    lrpc_port_msg *msg;
    NTSTATUS status = STATUS_NO_MEMORY;

    SetThreadDescription( GetCurrentThread(), L"wine_rpcrt4_alpc" );
    if ((msg = malloc( sizeof(*msg) )))
    {
        for (;;)
        {
            InterlockedIncrement( &listener->idle );
            status = receive_message( port, msg, NULL, &attrs );
            InterlockedDecrement( &listener->idle );
            if (status == STATUS_INVALID_HANDLE || status == STATUS_OBJECT_TYPE_MISMATCH ||
                status == STATUS_PORT_DISCONNECTED || status == STATUS_PORT_CLOSED || listener->port != port)
                break;  /* the port was closed */
            if (status)
            {
                WARN( "receive on %p failed: %#lx\n", port, status );
                Sleep( 10 );
                continue;
            }

            memset( &run, 0, sizeof(run) );
            EnterCriticalSection( &protseq->cs );
            if (listener->port == port) dispatch_message( listener, msg, &attrs, &run );
            LeaveCriticalSection( &protseq->cs );
            if (!run.conn) continue;
            if (listener->idle > 0 || start_receiver( listener ) ||
                RPCRT4_queue_packet( run.conn, run.hdr, run.msg ))
                RPCRT4_run_packet( run.conn, run.hdr, run.msg );
            RPCRT4_ReleaseConnection( run.conn );
        }
        free( msg );
    }
    TRACE( "receiver on %p done: %#lx\n", port, status );
    InterlockedDecrement( &listener->receivers );
    return 0;
}

int rpcrt4_protseq_alpc_wait_for_new_connection( RpcServerProtseq *protseq, unsigned int count, void *wait_array )
{
    HANDLE *objs = wait_array;
    RpcConnection_alpc *conn;
    unsigned int i, waits = 1;
    DWORD res;

    if (!objs) return -1;
    /* the array is ours and made again for each wait: it keeps the manager
     * event and only the ports that have no receivers */
    EnterCriticalSection( &protseq->cs );
    LIST_FOR_EACH_ENTRY( conn, &protseq->listeners, RpcConnection_alpc, common.protseq_entry )
    {
        for (i = 1; i < count; i++) if (objs[i] == conn->port) break;
        if (i == count) continue;
        if (conn->receiving != conn->port)
        {
            conn->receiving = conn->port;
            start_receiver( conn );
            start_receiver( conn );
        }
        if (!conn->receivers) objs[waits++] = conn->port;
    }
    LeaveCriticalSection( &protseq->cs );

    do res = WaitForMultipleObjectsEx( waits, objs, FALSE, INFINITE, TRUE );
    while (res == WAIT_IO_COMPLETION);

    if (res == WAIT_OBJECT_0) return 0;
    if (res == WAIT_FAILED || res >= WAIT_OBJECT_0 + waits)
    {
        ERR( "wait failed with error %lu\n", GetLastError() );
        return -1;
    }

    EnterCriticalSection( &protseq->cs );
    LIST_FOR_EACH_ENTRY( conn, &protseq->listeners, RpcConnection_alpc, common.protseq_entry )
    {
        if (conn->port != objs[res - WAIT_OBJECT_0]) continue;
        dispatch_messages( conn );
        break;
    }
    LeaveCriticalSection( &protseq->cs );
    return 1;
}

/* the port keeps the endpoint's security descriptor, also when it is made again */
static RPC_STATUS copy_security_descriptor( RpcConnection_alpc *conn, SECURITY_DESCRIPTOR *sd )
{
    SECURITY_DESCRIPTOR_CONTROL control;
    DWORD revision, len;

    if (!sd) return RPC_S_OK;
    if (!IsValidSecurityDescriptor( sd ) || !GetSecurityDescriptorControl( sd, &control, &revision ))
        return ERROR_INVALID_SECURITY_DESCR;
    len = GetSecurityDescriptorLength( sd );
    if (!(conn->sd = malloc( len ))) return RPC_S_OUT_OF_MEMORY;
    if (control & SE_SELF_RELATIVE) memcpy( conn->sd, sd, len );
    else if (!MakeSelfRelativeSD( sd, conn->sd, &len ))
    {
        free( conn->sd );
        conn->sd = NULL;
        return ERROR_INVALID_SECURITY_DESCR;
    }
    return RPC_S_OK;
}

RPC_STATUS rpcrt4_protseq_ncalrpc_alpc_open_endpoint( RpcServerProtseq *protseq, const char *endpoint, void *sd )
{
    static LONG nameless_id;
    RpcConnection *conn;
    RPC_STATUS status;
    char generated[24];

    if (!endpoint)
    {
        lrpc_dynamic_endpoint( generated, GetCurrentProcessId(), InterlockedIncrement( &nameless_id ),
                               GetTickCount() );
        endpoint = generated;
    }

    status = RPCRT4_CreateConnection( &conn, TRUE, protseq->Protseq, NULL, endpoint, NULL, NULL, NULL, NULL );
    if (status != RPC_S_OK) return status;

    if (!(status = copy_security_descriptor( (RpcConnection_alpc *)conn, sd )))
        status = create_listen_port( (RpcConnection_alpc *)conn );
    if (status != RPC_S_OK)
    {
        free( ((RpcConnection_alpc *)conn)->sd );
        RPCRT4_ReleaseConnection( conn );
        return status;
    }
    ((RpcConnection_alpc *)conn)->is_listener = TRUE;
    EnterCriticalSection( &protseq->cs );
    list_add_head( &protseq->listeners, &conn->protseq_entry );
    conn->protseq = protseq;
    LeaveCriticalSection( &protseq->cs );
    return RPC_S_OK;
}
